import Foundation
import MuseoLab
import Synchronization

/// The main paths of the service, each made with as many fresh inputs as it is given rows (one per
/// request or replayed transaction), in the order they are measured: the staff are made
/// available as the supervised paths need them (1, then 3, then 10 candidates).
enum BenchPaths {
    typealias Maker = @Sendable (_ rows: Int) async throws -> BenchPath
    /// A path: its name, the requests each client sends in a run when not the benchmark's own
    /// number, and how it is made for a number of rows.
    typealias Entry = (name: String, perClient: Int?, make: Maker)

    /// - Parameter rows: the most rows a path takes (the benchmark's own number of requests):
    ///   paths that share slots take stretches of that length.
    static func all(_ world: BenchWorld, _ lab: MuseoLab, rows: Int) throws -> [Entry] {
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
        let ordinary = OrdinaryWeek()
        // Past the slots the paths that choose their staff book from the start (the others book
        // from the end, or rooms and machines): the ordinary week's season starts there.
        let quietFrom = ParisClock.date(of: slots[min(rows, slots.count - 1)].start).adding(days: 7)

        func chosen(_ candidates: Int) -> Entry {
            ("supervised request, staff chosen among \(candidates)", nil, { rows in
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
        @Sendable func sessions(stretch: Int, rows: Int, past: Bool = false, confirm: Bool) async throws -> [[String]] {
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
            ("unsupervised booking", nil, { rows in
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
            ("supervised request, staffId given", nil, { rows in
                BenchPath(
                    name: "supervised, staffId given", kind: .write,
                    columns: [column("start_at", "timestamptz"), column("end_at", "timestamptz"), column("staff_id", "uuid")],
                    inputs: (0..<rows).map { index in
                        let pair = staffed(0, index)
                        return [pair.slot.start.rfc3339, pair.slot.end.rfc3339, world.staff[pair.staff].id.uuidString.lowercased()]
                    }
                ) { supervised($0, member: counter.next(), staffId: $0[2]) }
            }),
            ("confirmation", nil, { rows in
                BenchPath(name: "confirmation", kind: .write, columns: sessionColumns, inputs: try await sessions(stretch: 1, rows: rows, confirm: false)) {
                    HTTPRequestText(method: "POST", target: "/v1/sessions/\($0[0])/confirm", credentials: bearer(world.manager))
                }
            }),
            ("cancellation", nil, { rows in
                BenchPath(
                    name: "cancellation by the member", kind: .write, columns: sessionColumns, inputs: try await sessions(stretch: 2, rows: rows, confirm: true)
                ) {
                    HTTPRequestText(
                        method: "POST", target: "/v1/sessions/\($0[0])/cancel", credentials: bearer(world.members[Int($0[1])!].token),
                        body: #"{"reason":"Empêchement"}"#)
                }
            }),
            ("completion", nil, { rows in
                BenchPath(
                    name: "completion (ledger, alerts, overage)", kind: .write, columns: sessionColumns,
                    inputs: try await sessions(stretch: 0, rows: rows, past: true, confirm: true)
                ) {
                    HTTPRequestText(
                        method: "POST", target: "/v1/sessions/\($0[0])/complete", credentials: bearer(world.manager),
                        body: #"{"actualStart":"\#($0[2])","actualEnd":"\#($0[3])"}"#)
                }
            }),
            ("room request", nil, { rows in
                // Requests wait for LLV's answer: pending ones do not exclude each other.
                BenchPath(
                    name: "room request", kind: .write, columns: [column("start_at", "timestamptz"), column("end_at", "timestamptz")],
                    inputs: (0..<rows).map { [slots[$0].start.rfc3339, slots[$0].end.rfc3339] }
                ) { input in
                    HTTPRequestText(
                        method: "POST", target: "/v1/room-bookings", credentials: bearer(world.members[counter.next() % world.members.count].token),
                        body: #"{"room":"meeting","layout":"meeting","start":"\#(input[0])","end":"\#(input[1])","attendees":12,"purpose":"Banc d'essai"}"#)
                }
            }),
            ("room acceptance", nil, { rows in
                // Pending requests of the three rooms, each at its own slot, so that none excludes another once accepted.
                let rooms = [("atrium", "standard"), ("event", "meeting"), ("meeting", "meeting")]
                let inputs = try await parallel(rows) { index in
                    let (room, layout) = rooms[index % rooms.count], slot = slots[index / rooms.count]
                    let member = world.members[index % world.members.count]
                    let booking = try await lab.roomBookings.request(
                        RoomBookingRequest(room: room, layout: layout, period: Period(start: slot.start, end: slot.end), attendees: 12, purpose: "Banc d'essai"),
                        by: member.actor)
                    return [booking.id.uuidString.lowercased()]
                }
                return BenchPath(name: "room acceptance (allowance, billing)", kind: .write, columns: [column("booking_id", "uuid")], inputs: inputs) {
                    HTTPRequestText(method: "POST", target: "/v1/room-bookings/\($0[0])/accept", credentials: bearer(world.manager))
                }
            }),
            ("invoice draft", nil, { rows in
                // A customer's consumables, one a day: each draft takes one day's.
                let days = try await world.consumables(days: rows, from: CalendarDate(year: 2030, month: 1, day: 1)!, lab)
                return BenchPath(
                    name: "invoice draft", kind: .write, columns: [column("day", "date")], inputs: days.map { [$0.description] }
                ) {
                    HTTPRequestText(
                        method: "POST", target: "/v1/invoices/drafts", credentials: bearer(world.accountant),
                        body: #"{"customerId":"\#(world.customer.uuidString.lowercased())","from":"\#($0[0])","to":"\#($0[0])"}"#)
                }
            }),
            // Issuing prints each document's Factur-X PDF, one at a time: fewer requests.
            ("invoice issue", 4, { rows in
                let days = try await world.consumables(days: rows, from: CalendarDate(year: 2046, month: 1, day: 1)!, lab)
                let drafts = try await parallel(rows) { index in
                    let draft = try await lab.invoices.draft(
                        customerId: world.customer, from: days[index], to: days[index], serviceCode: nil, commitmentNumber: nil, by: BenchWorld.system)
                    return [draft.id.uuidString.lowercased()]
                }
                return BenchPath(name: "invoice issue (number, chain, Factur-X PDF)", kind: .write, columns: [column("invoice_id", "uuid")], inputs: drafts) {
                    HTTPRequestText(method: "POST", target: "/v1/invoices/\($0[0])/issue", credentials: bearer(world.accountant))
                }
            }),
            ("quota status", nil, { rows in
                .read("quota status", rows: rows, HTTPRequestText(
                    target: "/v1/agreements/\(BenchWorld.agreement.uuidString.lowercased())/quota?year=\(today.year)", credentials: bearer(world.manager)))
            }),
            ("availability of a machine for a week", nil, { rows in
                .read("machine availability, one week", rows: rows, HTTPRequestText(
                    target: "/v1/machines/\(machines[0])/availability?from=\(week.start.rfc3339)&to=\(week.end.rfc3339)", credentials: bearer(world.manager)))
            }),
            ("list 1,000 invoices", 10, { rows in
                .read("list 1,000 invoices", rows: rows, HTTPRequestText(target: "/v1/invoices", credentials: bearer(world.accountant)))
            }),
            ("FEC export", 10, { rows in
                // The 1,000 invoices of 2027 loaded at the start, three lines each.
                .read("FEC export, 1,000 invoices", rows: rows, HTTPRequestText(
                    target: "/v1/exports/fec?from=2027-01-01&to=2027-12-31", credentials: bearer(world.accountant)))
            }),
            ("iCalendar feed", nil, { rows in
                let week = try await ordinary.make(world, lab, clearAfter: quietFrom)
                return .read("iCalendar feed of a member (25 sessions)", rows: rows, HTTPRequestText(
                    target: "/calendar/feeds/\(week.feedSecret)", credentials: "Accept: text/calendar"))
            }),
            ("booking page", nil, { rows in
                let week = try await ordinary.make(world, lab, clearAfter: quietFrom)
                return .read("page: /reserver (a week of free slots)", rows: rows, HTTPRequestText(
                    target: "/reserver?duree=120&semaine=\(week.monday)", credentials: "Cookie: \(world.memberCookie)"))
            }),
            ("planner", nil, { rows in
                let week = try await ordinary.make(world, lab, clearAfter: quietFrom)
                return .read("page: /gestion/planning (a week of 60 sessions)", rows: rows, HTTPRequestText(
                    target: "/gestion/planning?semaine=\(week.monday)", credentials: "Cookie: \(world.managerCookie)"))
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
