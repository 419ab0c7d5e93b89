/// Documents are issued one at a time in this process, in the order asked, before a database
/// connection is taken. Issuing holds the locked counter while its PDF is printed (the number is
/// on the PDF), so concurrent issues queue anyway; queued here, they do not each hold one of the
/// pool's connections while they wait, which would starve every other request. The counter's
/// lock still orders issues across processes (the CLI beside the server).
actor IssuingTurns {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func run<Value: Sendable>(_ body: @Sendable () async throws -> Value) async throws -> Value {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            busy = true
        }
        defer { next() }
        return try await body()
    }

    /// The next in line gets the turn (busy stays set), or none is waiting.
    private func next() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
}
