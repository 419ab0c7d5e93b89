import Foundation
import MuseoLab
import Synchronization

/// The main paths of the service, each with `rows` fresh inputs (one per request or replayed
/// transaction), made in the order they are measured: the staff are made available as the
/// supervised paths need them (1, then 3, then 10 candidates).
enum BenchPaths {
    typealias Maker = @Sendable () async throws -> BenchPath

    static func all(_ world: BenchWorld, _ lab: MuseoLab, rows: Int) throws -> [(name: String, make: Maker)] {
        let slots = world.slots, machines = world.machines
        let column: @Sendable (String, String) -> BenchPath.Column = { BenchPath.Column(name: $0, type: $1) }
        // (slot, staff member) pairs from the end of the slots, for paths that name their staff
        // member: each path its own stretch, clear of the candidates' slots at the start.
        let staffed: @Sendable (Int, Int) -> (slot: (start: Date, end: Date), staff: Int) = { stretch, index in
            let pair = stretch * rows + index
            return (slots[slots.count - 1 - pair / 10], pair % 10)
        }
        @Sendable func bearer(_ token: String) -> String { "Authorization: Bearer \(token)" }
        @Sendable func supervised(_ input: [String], member: Int, staffId: String? = nil) -> HTTPRequestText {
            let staff = staffId.map { #","staffId":"\#($0)""# } ?? ""
            return HTTPRequestText(
                method: "POST", target: "/v1/sessions", credentials: bearer(world.members[member % world.members.count].token),
                body: #"{"purpose":"Banc d'essai","supervised":true,"start":"\#(input[0])","end":"\#(input[1])"\#(staff)}"#)
        }
        let counter = RequestCounter()

        func chosen(_ candidates: Int) -> (String, Maker) {
            ("supervised request, staff chosen among \(candidates)", {
                try await world.makeAvailable(candidates, lab)
                return BenchPath(
                    name: "supervised, no staffId, \(candidates) staff", kind: .write,
                    columns: [column("start_at", "timestamptz"), column("end_at", "timestamptz")],
                    inputs: (0..<rows).map { [slots[$0].start.rfc3339, slots[$0].end.rfc3339] }
                ) { supervised($0, member: counter.next()) }
            })
        }
        /// Supervised sessions asked by members at their own (slot, staff) pairs of `stretch`,
        /// confirmed when asked, on the clock `on` (the past, for sessions to complete).
        @Sendable func sessions(stretch: Int, past: Bool = false, confirm: Bool) async throws -> [[String]] {
            try await world.makeAvailable(10, lab)
            let clock = past ? Date(timeIntervalSince1970: world.pastSlots[0].start.timeIntervalSince1970 - 86400 * 3) : Date()
            let domain = MuseoLab(client: lab.database.client, logger: lab.database.logger, now: { clock }, printer: lab.printer)
            return try await parallel(rows) { index in
                let pair = past ? (slot: world.pastSlots[index / 10], staff: index % 10) : staffed(stretch, index)
                let member = world.members[index % world.members.count]
                let asked = try await domain.sessions.request(
                    SessionRequest(supervised: true, staffId: world.staff[pair.staff].id, purpose: "Banc d'essai",
                                   period: Period(start: pair.slot.start, end: pair.slot.end)), by: member.actor)
                if confirm { _ = try await domain.sessions.confirm(asked.id, by: world.staff[pair.staff].actor) }
                return [asked.id.uuidString.lowercased(), String(index % world.members.count), pair.slot.start.rfc3339, pair.slot.end.rfc3339]
            }
        }
        let sessionColumns = [column("session_id", "uuid"), column("member", "int"), column("start_at", "timestamptz"), column("end_at", "timestamptz")]
        let today = ParisClock.date(of: Date())
        let monday = today.adding(days: 7 - (today.weekday.rawValue - 1))
        let week = (start: try ParisClock.instant(monday, LocalTime("00:00")!), end: try ParisClock.instant(monday.adding(days: 7), LocalTime("00:00")!))

        return [
            ("unsupervised booking", {
                BenchPath(
                    name: "unsupervised machine booking", kind: .write,
                    columns: [column("start_at", "timestamptz"), column("end_at", "timestamptz"), column("machine_id", "uuid")],
                    inputs: (0..<rows).map { n in
                        let slot = slots[n / machines.count]
                        return [slot.start.rfc3339, slot.end.rfc3339, machines[n % machines.count]]
                    }
                ) { input in
                    HTTPRequestText(
                        method: "POST", target: "/v1/sessions", credentials: bearer(world.partners[counter.next() % world.partners.count]),
                        body: #"{"purpose":"Banc d'essai","supervised":false,"start":"\#(input[0])","end":"\#(input[1])","machineIds":["\#(input[2])"]}"#)
                }
            }),
            chosen(1), chosen(3), chosen(10),
            ("supervised request, staffId given", {
                BenchPath(
                    name: "supervised, staffId given", kind: .write,
                    columns: [column("start_at", "timestamptz"), column("end_at", "timestamptz"), column("staff_id", "uuid")],
                    inputs: (0..<rows).map { index in
                        let pair = staffed(0, index)
                        return [pair.slot.start.rfc3339, pair.slot.end.rfc3339, world.staff[pair.staff].id.uuidString.lowercased()]
                    }
                ) { supervised($0, member: counter.next(), staffId: $0[2]) }
            }),
            ("confirmation", {
                BenchPath(name: "confirmation", kind: .write, columns: sessionColumns, inputs: try await sessions(stretch: 1, confirm: false)) {
                    HTTPRequestText(method: "POST", target: "/v1/sessions/\($0[0])/confirm", credentials: bearer(world.manager))
                }
            }),
            ("cancellation", {
                BenchPath(name: "cancellation by the member", kind: .write, columns: sessionColumns, inputs: try await sessions(stretch: 2, confirm: true)) {
                    HTTPRequestText(
                        method: "POST", target: "/v1/sessions/\($0[0])/cancel", credentials: bearer(world.members[Int($0[1])!].token),
                        body: #"{"reason":"Empêchement"}"#)
                }
            }),
            ("completion", {
                BenchPath(
                    name: "completion (ledger, alerts, overage)", kind: .write, columns: sessionColumns,
                    inputs: try await sessions(stretch: 0, past: true, confirm: true)
                ) {
                    HTTPRequestText(
                        method: "POST", target: "/v1/sessions/\($0[0])/complete", credentials: bearer(world.manager),
                        body: #"{"actualStart":"\#($0[2])","actualEnd":"\#($0[3])"}"#)
                }
            }),
            ("quota status", {
                .read("quota status", rows: rows, HTTPRequestText(
                    target: "/v1/agreements/\(BenchWorld.agreement.uuidString.lowercased())/quota?year=\(today.year)", credentials: bearer(world.manager)))
            }),
            ("availability of a machine for a week", {
                .read("machine availability, one week", rows: rows, HTTPRequestText(
                    target: "/v1/machines/\(machines[0])/availability?from=\(week.start.rfc3339)&to=\(week.end.rfc3339)", credentials: bearer(world.manager)))
            }),
            ("list 1,000 invoices", {
                .read("list 1,000 invoices", rows: rows, HTTPRequestText(target: "/v1/invoices", credentials: bearer(world.accountant)))
            }),
            ("iCalendar feed", {
                let secret = try await lab.calendarFeeds.create(for: world.members[0].id, by: world.members[0].actor)
                return .read("iCalendar feed of a member", rows: rows, HTTPRequestText(target: "/calendar/feeds/\(secret)", credentials: "Accept: text/calendar"))
            }),
            ("booking page", {
                .read("page: /reserver (a week of slots)", rows: rows, HTTPRequestText(target: "/reserver?duree=120", credentials: "Cookie: \(world.memberCookie)"))
            }),
            ("planner", {
                .read("page: /gestion/planning (a week)", rows: rows, HTTPRequestText(target: "/gestion/planning", credentials: "Cookie: \(world.managerCookie)"))
            }),
        ]
    }

    /// Runs `body` for 0..<count, eight at a time, keeping the order.
    static func parallel(_ count: Int, _ body: @escaping @Sendable (Int) async throws -> [String]) async throws -> [[String]] {
        var results = [[String]](repeating: [], count: count)
        try await withThrowingTaskGroup(of: (Int, [String]).self) { group in
            var next = 0
            for _ in 0..<8 where next < count {
                let index = next
                group.addTask { (index, try await body(index)) }
                next += 1
            }
            while let (index, result) = try await group.next() {
                results[index] = result
                if next < count {
                    let index = next
                    group.addTask { (index, try await body(index)) }
                    next += 1
                }
            }
        }
        return results
    }
}

/// Spreads requests over the members' tokens.
final class RequestCounter: Sendable {
    private let value = Atomic<Int>(0)
    func next() -> Int { value.add(1, ordering: .relaxed).oldValue }
}
