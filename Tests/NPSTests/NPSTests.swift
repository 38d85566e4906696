import Testing
@testable import NPS
