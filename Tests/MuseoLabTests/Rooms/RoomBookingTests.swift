import Foundation
import Testing
@testable import MuseoLab

/// Article 6 through the HTTP API: requests, LLV's decisions, the yearly free
/// allowances, and the billable items of every accepted booking.
@Suite struct RoomBookingTests {
    static func request(
        _ http: HTTPClient, _ person: TestLab.Person, room: String, layout: String, _ period: Period, attendees: Int = 20
    ) async throws -> HTTPAnswer {
        try await http.send("POST", "/v1/room-bookings", token: person.token, json: [
            "room": room, "layout": layout, "start": Days.iso(period.start), "end": Days.iso(period.end), "attendees": attendees,
            "purpose": "Journée d'étude",
        ])
    }

    @Test func theThirdAcceptedAtriumBookingOfTheYearIsBillable() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            var first = Days.next(.tuesday)
            while first.month == 12 && first.day > 24 { first = first.adding(days: 7) }  // three days within one year
            let year = first.year
            // Three days of the same year.
            var days = [first]
            while days.count < 3 {
                let next = days.last!.adding(days: 1)
                guard next.year == year else { break }
                if FrenchPublicHolidays.name(of: next) == nil { days.append(next) }
            }
            try #require(days.count == 3, "three days left in the year")
            var ids: [String] = []
            for day in days {
                let requested = try await Self.request(http, t.people.member, room: "atrium", layout: "standard", Days.period(day, "09:00", "17:00"))
                #expect(requested.status == 201, "\(requested.text)")
                #expect(requested.json["status"] as? String == "pending")
                ids.append(try #require(requested.json["id"] as? String))
            }
            var charges: [String?] = []
            for id in ids {
                let accepted = try await http.send("POST", "/v1/room-bookings/\(id)/accept", token: t.people.manager.token)
                #expect(accepted.status == 200, "\(accepted.text)")
                charges.append(accepted.json["charge"] as? String)
            }
            #expect(charges == ["free", "free", "billable"])
            let third = try await http.get("/v1/room-bookings/\(ids[2])", token: t.people.member.token)
            #expect((third.json["chargeReason"] as? String)?.contains("founder-member rate") == true)

            // Service fees for all three, rental for the third only.
            let items = try await http.get("/v1/billable-items?customerId=\(TestLab.university.text)&status=open", token: t.people.accountant.token).items
            #expect(items.filter { $0["kind"] as? String == "room_service_fees" }.count == 3)
            #expect(items.filter { $0["kind"] as? String == "room_rental" }.map { $0["roomBookingId"] as? String } == [ids[2]])
            #expect(items.first?["minutes"] as? Int == 480)

            let allowances = try await http.get("/v1/agreements/\(TestLab.agreement.text)/allowances?year=\(year)", token: t.people.manager.token)
            let atrium = try #require(allowances.items.first { $0["roomCode"] as? String == "atrium" })
            #expect((atrium["allowance"] as? Int, atrium["used"] as? Int, atrium["remaining"] as? Int) == (2, 2, 0))
            #expect((atrium["billableBookings"] as? [String])?.count == 1)

            // The requester was told, in the app and by e-mail (through the outbox).
            let notes = try await http.get("/v1/me/notifications", token: t.people.member.token).items
            #expect(notes.filter { $0["kind"] as? String == "room_booking.accepted" }.count == 3)
            let mails = try await Outbox(database: t.lab.database).messages(by: t.people.manager.actor).filter { $0.topic.hasPrefix("room-booking:") }
            #expect(mails.count == 3 && mails.allSatisfy { $0.recipient == "ana@univ-artois.fr" && $0.channel == .email })

            // Cancelling a free booking before it starts gives its free use back: to the billable one.
            let cancelled = try await http.send("POST", "/v1/room-bookings/\(ids[0])/cancel", token: t.people.member.token, json: ["reason": "report"])
            #expect(cancelled.json["status"] as? String == "cancelled")
            #expect(cancelled.json["freeUseReturned"] as? Bool == true)
            let promoted = try await http.get("/v1/room-bookings/\(ids[2])", token: t.people.member.token)
            #expect(promoted.json["charge"] as? String == "free")
            #expect((promoted.json["chargeReason"] as? String)?.contains("given back") == true)
            let after = try await http.get("/v1/billable-items?customerId=\(TestLab.university.text)&status=open", token: t.people.accountant.token).items
            #expect(after.filter { $0["kind"] as? String == "room_rental" }.isEmpty, "the rental is not billed any more")
            #expect(after.filter { $0["kind"] as? String == "room_service_fees" }.count == 2, "the cancelled booking's fees are dropped")
        }
    }

    @Test func aRefusedRequestUsesNothingAndACancelledFreeBookingGivesItsUseBack() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            let day = Days.next(.wednesday), year = day.year
            let refused = try #require(try await Self.request(http, t.people.member, room: "event", layout: "meeting", Days.period(day, "09:00", "12:00")).json["id"] as? String)
            #expect(try await http.send("POST", "/v1/room-bookings/\(refused)/refuse", token: t.people.manager.token).isProblem(400), "a reason is required")
            let answer = try await http.send("POST", "/v1/room-bookings/\(refused)/refuse", token: t.people.manager.token, json: ["reason": "salle déjà prise"])
            #expect(answer.json["status"] as? String == "refused")
            #expect(answer.json["charge"] == nil)
            let events = answer.json["events"] as? [[String: Any]]
            #expect(events?.last?["reason"] as? String == "salle déjà prise")
            #expect(try await http.send("POST", "/v1/room-bookings/\(refused)/accept", token: t.people.manager.token).isProblem(409))

            // The single free Event use is still there.
            let second = try #require(try await Self.request(http, t.people.member, room: "event", layout: "meeting", Days.period(day, "14:00", "17:00")).json["id"] as? String)
            #expect(try await http.send("POST", "/v1/room-bookings/\(second)/accept", token: t.people.manager.token).json["charge"] as? String == "free")
            _ = try await http.send("POST", "/v1/room-bookings/\(second)/cancel", token: t.people.member.token, json: ["reason": "annulé"])
            let allowances = try await t.lab.roomBookings.allowances(TestLab.agreement, year: year, by: t.people.manager.actor)
            #expect(allowances.first { $0.roomCode == "event" }?.used == 0, "the free use came back")
            let third = try #require(try await Self.request(http, t.people.member, room: "event", layout: "meeting", Days.period(day.adding(days: 7), "09:00", "12:00")).json["id"] as? String)
            #expect(try await http.send("POST", "/v1/room-bookings/\(third)/accept", token: t.people.manager.token).json["charge"] as? String == "free")
        }
    }

    @Test func capacityAndBadInput() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            let period = Days.period(Days.next(.thursday), "09:00", "12:00")
            let plenary = try await Self.request(http, t.people.member, room: "event", layout: "plenary", period, attendees: 41)
            #expect(plenary.isProblem(422))
            #expect(plenary.json["field"] as? String == "attendees")
            #expect((plenary.json["detail"] as? String)?.contains("40") == true)
            #expect(try await Self.request(http, t.people.member, room: "event", layout: "plenary", period, attendees: 40).status == 201)
            #expect(try await Self.request(http, t.people.member, room: "event", layout: "meeting", period, attendees: 26).isProblem(422))
            #expect(try await Self.request(http, t.people.member, room: "meeting", layout: "meeting", period, attendees: 17).isProblem(422))

            let backwards = try await Self.request(http, t.people.member, room: "atrium", layout: "standard", Period(start: period.end, end: period.start))
            #expect(backwards.isProblem(422, type: "end-not-after-start"))
            let unknownRoom = try await Self.request(http, t.people.member, room: "cave", layout: "standard", period)
            #expect(unknownRoom.isProblem(422))
            #expect(unknownRoom.json["field"] as? String == "roomId")
            let unknownLayout = try await Self.request(http, t.people.member, room: "atrium", layout: "cabaret", period)
            #expect(unknownLayout.isProblem(422))
            #expect(unknownLayout.json["field"] as? String == "layout")
            for attendees in [0, -5] {
                let answer = try await Self.request(http, t.people.member, room: "atrium", layout: "standard", period, attendees: attendees)
                #expect(answer.isProblem(422))
                #expect(answer.json["field"] as? String == "attendees")
            }
            let past = Period(start: Date().addingTimeInterval(-7200), end: Date().addingTimeInterval(-3600))
            #expect(try await Self.request(http, t.people.member, room: "atrium", layout: "standard", past).isProblem(422, type: "start-in-the-past"))
            #expect(try await t.count("SELECT count(*) FROM room_bookings") == 1, "only the valid request is stored")
        }
    }

    @Test func twoParallelAcceptancesOfOverlappingRequestsGiveOneSuccess() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            let day = Days.next(.friday)
            // Pending requests may overlap each other.
            let a = try #require(try await Self.request(http, t.people.member, room: "meeting", layout: "meeting", Days.period(day, "09:00", "12:00"), attendees: 10).json["id"] as? String)
            let b = try #require(try await Self.request(http, t.people.otherMember, room: "meeting", layout: "meeting", Days.period(day, "11:00", "13:00"), attendees: 8).json["id"] as? String)
            // A second manager.
            let other = try await t.lab.users.add(
                NewUser(email: "manager2@tests.museolab", displayName: "M2", organisationId: TestLab.llv, role: .manager), by: t.people.admin.actor)
            let otherToken = try await t.lab.tokens.create(for: other.id, label: "t", expiresAt: nil, by: t.people.admin.actor).secret
            async let first = http.send("POST", "/v1/room-bookings/\(a)/accept", token: t.people.manager.token)
            async let second = http.send("POST", "/v1/room-bookings/\(b)/accept", token: otherToken)
            let answers = try await [first, second]
            #expect(answers.filter { $0.status == 200 }.count == 1)
            #expect(answers.filter { $0.isProblem(409, type: "booking-conflict") }.count == 1, "\(answers.map(\.text))")
            #expect(try await t.count("SELECT count(*) FROM room_bookings WHERE status = 'accepted'") == 1)
            #expect(try await t.count("SELECT count(*) FROM billable_items") == 1, "only the accepted booking's service fees")

            // The room's free periods leave out the accepted booking.
            let accepted = answers.first { $0.status == 200 }!
            let from = Days.iso(Days.at(day, "08:00")), to = Days.iso(Days.at(day, "14:00"))
            let free = try await http.get("/v1/rooms/meeting/availability?from=\(from.urlEncoded)&to=\(to.urlEncoded)", token: t.people.member.token)
            #expect((free.json["free"] as? [[String: Any]])?.count == 2)
            #expect(accepted.json["roomCode"] as? String == "meeting")
        }
    }

    @Test func membersSeeTheirOwnAndTheDatabaseRefusesOverlaps() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            let day = Days.next(.monday, weeksAhead: 3)
            let mine = try #require(try await Self.request(http, t.people.member, room: "atrium", layout: "standard", Days.period(day, "09:00", "10:00")).json["id"] as? String)
            #expect(try await http.get("/v1/room-bookings/\(mine)", token: t.people.otherMember.token).isProblem(404))
            #expect(try await http.send("POST", "/v1/room-bookings/\(mine)/cancel", token: t.people.otherMember.token, json: ["reason": "x"]).isProblem(404))
            #expect(try await http.send("POST", "/v1/room-bookings/\(mine)/accept", token: t.people.member.token).isProblem(403))
            #expect(try await http.get("/v1/room-bookings", token: t.people.otherMember.token).items.isEmpty)
            #expect(try await http.get("/v1/room-bookings", token: t.people.manager.token).items.count == 1)
            _ = try await http.send("POST", "/v1/room-bookings/\(mine)/accept", token: t.people.manager.token)
            // The requester is told in French, the room with its article (the seed's, and the migration's for a deployed base).
            let told = try await http.get("/v1/me/notifications", token: t.people.member.token).items.first { ($0["kind"] as? String) == "room_booking.accepted" }
            #expect((told?["body"] as? String)?.hasPrefix("Votre réservation de l'Atrium le ") == true, "\(told ?? [:])")

            let theirs = try await t.lab.roomBookings.request(
                RoomBookingRequest(room: "atrium", layout: "standard", period: Days.period(day, "09:30", "11:00"), attendees: 5, purpose: "x"),
                by: t.people.otherMember.actor)
            // Past every check, the database itself keeps accepted bookings apart.
            await #expect(throws: Problem.self) {
                try await t.lab.database.write(as: t.people.admin.actor, action: "tests") { session in
                    try await session.execute(
                        "UPDATE room_bookings SET status = 'accepted', charge = 'billable', accepted_at = now() WHERE id = \(theirs.id)")
                }
            }
            await #expect(throws: (any Error).self) {
                try await t.lab.database.write(as: t.people.admin.actor, action: "tests") { try await $0.execute("DELETE FROM room_bookings") }
            }
        }
    }

    @Test func roomsAreConfigurable() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            let rooms = try await http.get("/v1/rooms", token: t.people.member.token)
            #expect(rooms.items.map { $0["code"] as? String } == ["atrium", "event", "meeting"])
            let event = try #require(rooms.items.first { $0["code"] as? String == "event" })
            #expect((event["layouts"] as? [[String: Any]])?.compactMap { $0["capacity"] as? Int }.sorted() == [25, 40])
            #expect(try await http.send("PUT", "/v1/rooms/atrium/layouts/standard", token: t.people.member.token, json: ["label": "x", "capacity": 80]).isProblem(403))
            let set = try await http.send("PUT", "/v1/rooms/atrium/layouts/standard", token: t.people.manager.token, json: ["label": "Standard", "capacity": 80])
            #expect((set.json["layouts"] as? [[String: Any]])?.first?["capacity"] as? Int == 80)
            let added = try await http.send("POST", "/v1/rooms", token: t.people.manager.token, json: [
                "code": "jardin", "name": "Jardin", "layouts": [["code": "standing", "label": "Debout", "capacity": 120]],
            ])
            #expect(added.status == 201)
            #expect(try await http.send("POST", "/v1/rooms", token: t.people.manager.token, json: [
                "code": "jardin", "name": "Jardin bis", "layouts": [["code": "x", "label": "x"]],
            ]).isProblem(409))
            let archived = try await http.send("PATCH", "/v1/rooms/jardin", token: t.people.manager.token, json: ["archived": true])
            #expect(archived.json["archivedAt"] is String)
            #expect(try await http.get("/v1/rooms", token: t.people.member.token).items.count == 3)
        }
    }

    @Test func roomsFromTheCommandLine() async throws {
        try await TestLab.with { t in
            let url = t.databaseURL
            let day = Days.next(.tuesday, weeksAhead: 2)
            let book = try await CommandLineTool.run(
                ["rooms", "book", "atrium", "--user", "ana@univ-artois.fr", "--layout", "standard", "--start", "\(day) 18:00",
                 "--end", "\(day) 22:00", "--attendees", "60", "--purpose", "Vernissage", "--json"], databaseURL: url)
            #expect(book.status == 0, "\(book.output)")
            let number = String(format: "R-%06d", (book.json as? [String: Any])?["number"] as? Int ?? 0)
            let accepted = try await CommandLineTool.run(["rooms", "accept", number], databaseURL: url)
            #expect(accepted.output.contains("accepted · free: free use 1 of 2"), "\(accepted.output)")
            let allowances = try await CommandLineTool.run(["rooms", "allowances", "--year", "\(day.year)"], databaseURL: url)
            #expect(allowances.output.contains(number))
            #expect(try await CommandLineTool.run(["rooms", "bookings", "--status", "accepted"], databaseURL: url).output.contains("Vernissage") == false)
            #expect(try await CommandLineTool.run(["rooms", "bookings", "--status", "accepted"], databaseURL: url).output.contains(number))
            let refused = try await CommandLineTool.run(["rooms", "refuse", number, "--reason", "x"], databaseURL: url)
            #expect(refused.status == 1)
            #expect(refused.output.contains("cannot refuse a booking that is accepted"))
        }
    }
}
