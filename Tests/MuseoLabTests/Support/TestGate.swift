/// How many tests hold a database at once. Swift Testing starts every test of the suite at
/// the same time; unbounded, two hundred tests each with a pool of connections (and servers and
/// CLIs with theirs) outgrow the cluster's `max_connections` on a slow day, and PostgreSQL
/// refuses the excess: tests then fail waiting for a connection, for no fault of the code.
/// On two cores, a dozen tests at once keep both cores busy.
actor TestGate {
    static let databases = TestGate(width: 12)

    /// Whether the current task already holds a place (a test inside a test's lab takes none).
    @TaskLocal static var holding = false

    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(width: Int) { free = width }

    /// Runs `body` once a place is free, and frees it after.
    nonisolated func hold<Result: Sendable>(_ body: @Sendable () async throws -> Result) async throws -> Result {
        if Self.holding { return try await body() }
        await enter()
        do {
            let result = try await Self.$holding.withValue(true) { try await body() }
            await leave()
            return result
        } catch {
            await leave()
            throw error
        }
    }

    private func enter() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func leave() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }
}
