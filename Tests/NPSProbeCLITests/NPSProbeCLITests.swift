import Testing
@testable import NPSProbeCLI
