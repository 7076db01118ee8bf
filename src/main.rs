fn main() -> std::process::ExitCode {
    engage::cli::main()
}
