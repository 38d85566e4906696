import Testing
@testable import RADIUS
