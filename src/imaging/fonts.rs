//! The fonts inkquire draws with.

/// The bundled DejaVu Serif, regular and bold: the cover's type and SVG text's.
pub const SERIF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSerif.ttf");
pub const SERIF_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSerif-Bold.ttf");
