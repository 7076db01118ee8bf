fn main() -> std::process::ExitCode {
    engage::cmd::main()
}
