fn main() {
    std::process::exit(inkquire::cli::main());
}
