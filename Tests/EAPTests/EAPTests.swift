import Testing
@testable import EAP
