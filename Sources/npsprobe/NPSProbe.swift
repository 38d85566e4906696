import NPSProbeCLI

@main
enum NPSProbeMain {
    static func main() async {
        await NPSProbeCommand.main()
    }
}
