//! Chinese: the words of furniture on Chinese pages.

use super::tables::Words;

pub(super) const WORDS: Words = Words {
    // A news page's source line: 来源：新华社 作者：张三 2024-01-05 10:30.
    meta_labels: &[
        "来源",
        "作者",
        "编辑",
        "责任编辑",
        "责编",
        "记者",
        "通讯员",
        "发布时间",
        "发布日期",
        "更新时间",
        "时间",
        "日期",
        "出处",
        "稿源",
        "字号",
        "浏览",
        "阅读",
        "來源",
        "作者",
        "編輯",
        "責任編輯",
        "記者",
        "發布時間",
        "發佈時間",
        "時間",
    ],
    ..Words::NONE
};
