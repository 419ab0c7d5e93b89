import Foundation
import Testing
import Logging
import MuseoLab
import MuseoLabRuntime
import PostgresNIO

/// A fresh, seeded database with a running client, the domain over it, and one
/// person of each role with a token.
struct TestLab: Sendable {
    let lab: MuseoLab
    let configuration: PostgresClient.Configuration
    let people: People

    var client: PostgresClient { lab.database.client }
    /// As the service's role, which owns nothing: what the servers and the CLI get.
    var databaseURL: String { TestDatabases.shared.url(for: configuration) }
    /// As the schema's owner: migrations, backups, restores.
    var ownerURL: String { TestDatabases.shared.url(for: TestDatabases.as(TestDatabases.ownerRole, configuration)) }

    /// Who runs a statement a test writes by hand.
    enum Connection: Sendable {
        /// The schema's owner: what the triggers refuse, they refuse to it too.
        case owner
        /// The cluster's superuser, who can bypass triggers (what a footprint chain must reveal).
        case superuser
    }

    /// Runs `body` with the domain over this database as `who`.
    func connected<Result: Sendable>(as who: Connection, _ body: @Sendable (MuseoLab) async throws -> Result) async throws -> Result {
        let configuration = switch who {
        case .owner: TestDatabases.as(TestDatabases.ownerRole, configuration)
        case .superuser: try await TestDatabases.shared.superuser(configuration)
        }
        return try await PostgresClient.withRunning(configuration, logger: TestLog.logger) { client in
            try await body(MuseoLab(client: client, logger: TestLog.logger, connectionWait: TestLog.connectionWait, printer: TestLog.printer))
        }
    }

    struct Person: Sendable {
        let user: User
        let token: String
        var actor: Actor { Actor(userId: user.id, organisationId: user.organisationId, role: user.role, label: "user:\(user.email)") }
    }

    struct People: Sendable {
        let admin: Person
        let manager: Person
        let accountant: Person
        /// Two members of the university, to check one never sees the other's data.
        let member: Person
        let otherMember: Person
    }

    static let university = UUID(uuidString: "6f0b8d2e-0001-4000-8000-000000000001")!
    static let llv = UUID(uuidString: "6f0b8d2e-0001-4000-8000-000000000002")!

    /// Runs `body` against a new seeded database (of the suite's cluster, unless `databases` says
    /// otherwise), once the gate lets one more test hold a database.
    static func with<Result: Sendable>(
        databases: TestDatabases = .shared, _ body: @Sendable (TestLab) async throws -> Result
    ) async throws -> Result {
        try await TestGate.databases.hold {
            let configuration = try await databases.seededDatabase()
            return try await PostgresClient.withRunning(configuration, logger: TestLog.logger) { client in
                let lab = MuseoLab(client: client, logger: TestLog.logger, connectionWait: TestLog.connectionWait, printer: TestLog.printer)
                let people = try await makePeople(lab)
                return try await body(TestLab(lab: lab, configuration: configuration, people: people))
            }
        }
    }

    static func makePeople(_ lab: MuseoLab) async throws -> People {
        let system = Actor.system("tests")
        func person(_ email: String, _ role: Role, _ organisation: UUID) async throws -> Person {
            let user = try await lab.users.add(
                NewUser(email: email, displayName: email.components(separatedBy: "@")[0], organisationId: organisation, role: role),
                by: system)
            let token = try await lab.tokens.create(for: user.id, label: "tests", expiresAt: nil, by: system)
            return Person(user: user, token: token.secret)
        }
        return People(
            admin: try await person("admin@tests.museolab", .admin, llv),
            manager: try await person("manager@tests.museolab", .manager, llv),
            accountant: try await person("accountant@tests.museolab", .accountant, llv),
            member: try await person("ana@univ-artois.fr", .member, university),
            otherMember: try await person("bruno@univ-artois.fr", .member, university))
    }

    /// Counts rows with a query returning one integer.
    func count(_ query: PostgresQuery) async throws -> Int {
        try await lab.database.read { session in
            Int(try await session.first(query)!.decode(Int64.self))
        }
    }
}

extension UUID {
    /// Lower-case, as the API writes ids.
    var text: String { uuidString.lowercased() }
}

/// A SQL statement written in a test (PostgresQuery is not Sendable across closures by literal).
struct PostgresQueryLiteral: Sendable {
    let sql: String
    init(_ sql: String) { self.sql = sql }
    var query: PostgresQuery { PostgresQuery(unsafeSQL: sql) }
}

extension TestLab {
    static let agreement = UUID(uuidString: "6f0b8d2e-0003-4000-8000-000000000001")!

    /// The same domain and database, with the clock at another moment (for steps that
    /// happen after a session: completion, no-show, late cancellation).
    func at(_ moment: Date) -> MuseoLab {
        MuseoLab(client: client, logger: TestLog.logger, connectionWait: TestLog.connectionWait, now: { moment }, printer: TestLog.printer)
    }

    /// The ledger of a year summed line by line, as a reader of `GET …/quota/ledger` would.
    func ledgerSums(year: Int) async throws -> (consumed: Int, committed: Int) {
        let entries = try await lab.quota.ledger(TestLab.agreement, year: year, by: people.manager.actor)
        return (entries.map(\.consumedMinutes).reduce(0, +), entries.map(\.committedMinutes).reduce(0, +))
    }

    /// Checks that the status is the sum of the ledger.
    func balanceMatchesLedger(year: Int) async throws -> QuotaBalance {
        let status = try await lab.quota.status(TestLab.agreement, year: year, by: people.manager.actor)
        let sums = try await ledgerSums(year: year)
        #expect(status.balance.consumedMinutes == sums.consumed, "consumed is the sum of the ledger")
        #expect(status.balance.committedMinutes == sums.committed, "committed is the sum of the ledger")
        return status.balance
    }
}
