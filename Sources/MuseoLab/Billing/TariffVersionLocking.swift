import Foundation
import PostgresNIO

/// A tariff version that priced an issued document is locked: it can no longer be changed,
/// only followed by a new version.
struct TariffVersionLocking: DomainEventSubscriber {
    func handle(_ event: DomainEvent, _ context: EventContext) async throws {
        guard case .invoiceIssued(let document) = event else { return }
        let versions = Array(Set(document.lines.compactMap(\.tariffVersionId)))
        if !versions.isEmpty { _ = try await context.session.run(Lock(ids: versions)) }
    }

    struct Lock: Statement {
        static let sql = "UPDATE tariff_versions SET locked_at = now() WHERE id = ANY($1::uuid[]) AND locked_at IS NULL RETURNING id"
        var ids: [UUID]
        func makeBindings() throws -> PostgresBindings { .with(ids) }
        func decodeRow(_ r: PostgresRandomAccessRow) throws -> UUID { try r.value("id") }
    }
}
