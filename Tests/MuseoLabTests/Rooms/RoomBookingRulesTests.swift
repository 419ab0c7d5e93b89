import Foundation
import Testing
@testable import MuseoLab

/// The rules of room bookings (article 6) and what their requesters are told and billed, on
/// bookings as loaded: no database.
@Suite struct RoomBookingRulesTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15T08:00:00Z, 09:00 in Paris
    static let member = UUID(uuidString: "00000000-0000-4000-8000-00000000000a")!
    static let memberActor = Actor(userId: member, organisationId: TestLab.university, role: .member, label: "user:ana@univ-artois.fr")
    static let manager = Actor(userId: UUID(), organisationId: TestLab.llv, role: .manager, label: "user:marc@louvrelensvallee.fr")
    static let stranger = Actor(userId: UUID(), organisationId: TestLab.university, role: .member, label: "user:leo@univ-artois.fr")

    static func booking(_ status: RoomBooking.Status, charge: RoomBooking.Charge? = nil, agreement: UUID? = TestLab.agreement) -> RoomBooking {
        RoomBooking(
            id: UUID(uuidString: "00000000-0000-4000-8000-000000000007")!, number: 7, roomId: UUID(), roomCode: "atrium", roomName: "Atrium",
            layoutCode: "theatre", requester: .init(id: member, displayName: "Ana", email: "ana@univ-artois.fr"),
            organisationId: TestLab.university, organisationName: "Université d'Artois", agreementId: agreement, purpose: "Colloque",
            attendees: 80, period: Period(start: start, end: start.addingTimeInterval(4 * 3600)), status: status, charge: charge,
            chargeReason: charge.map { "\($0)" }, acceptedAt: charge == nil ? nil : start.addingTimeInterval(-86_400 * 10),
            freeUseReturned: false, events: [], createdAt: start.addingTimeInterval(-86_400 * 20), roomInSentence: "l'Atrium")
    }

    static let before = start.addingTimeInterval(-3600)
    static let during = start.addingTimeInterval(3600)
    static let after = start.addingTimeInterval(5 * 3600)

    @Test func whichMovesArePossibleFromWhere() throws {
        try RoomBookingRules.mayAccept(Self.booking(.pending), now: Self.before)
        #expect(throws: Problem.self) { try RoomBookingRules.mayAccept(Self.booking(.accepted, charge: .free), now: Self.before) }
        #expect(throws: Problem.self) { try RoomBookingRules.mayAccept(Self.booking(.pending), now: Self.after) }
        #expect(try RoomBookingRules.refuse(Self.booking(.pending), reason: "travaux") == RoomBookingMove(to: .refused, reason: "travaux"))
        #expect(throws: Problem.self) { try RoomBookingRules.refuse(Self.booking(.cancelled), reason: "travaux") }
        #expect(throws: Problem.self) { try RoomBookingRules.cancel(Self.booking(.refused), reason: "x", by: Self.memberActor, now: Self.before) }
        #expect(throws: Problem.self) { try RoomBookingRules.cancel(Self.booking(.pending), reason: "x", by: Self.memberActor, now: Self.after) }
        // Only its requester or LLV.
        #expect(throws: Problem.self) { try RoomBookingRules.cancel(Self.booking(.pending), reason: "x", by: Self.stranger, now: Self.before) }
        _ = try RoomBookingRules.cancel(Self.booking(.pending), reason: "x", by: Self.manager, now: Self.before)
    }

    @Test func aCancellationBeforeTheStartReleasesTheItemsAndTheFreeUse() throws {
        let free = try RoomBookingRules.cancel(Self.booking(.accepted, charge: .free), reason: "annulé", by: Self.memberActor, now: Self.before)
        #expect(free == RoomBookingMove(to: .cancelled, reason: "annulé", returnsFreeUse: true, releasesItems: true))
        let billable = try RoomBookingRules.cancel(Self.booking(.accepted, charge: .billable), reason: "annulé", by: Self.memberActor, now: Self.before)
        #expect(billable == RoomBookingMove(to: .cancelled, reason: "annulé", returnsFreeUse: false, releasesItems: true))
        // Once started, it is billed and the use is spent.
        let late = try RoomBookingRules.cancel(Self.booking(.accepted, charge: .free), reason: "annulé", by: Self.memberActor, now: Self.during)
        #expect(late == RoomBookingMove(to: .cancelled, reason: "annulé"))
        let pending = try RoomBookingRules.cancel(Self.booking(.pending), reason: "annulé", by: Self.memberActor, now: Self.before)
        #expect(pending == RoomBookingMove(to: .cancelled, reason: "annulé"))
    }

    @Test func freeUsesLastAsLongAsTheAllowanceOutsideAnAgreementEverythingIsBillable() {
        let booking = Self.booking(.pending)
        let first = RoomBookingRules.charge(for: booking, year: 2027, allowance: 2, used: 0)
        #expect(first.0 == .free && first.why == "free use 1 of 2 for the Atrium in 2027 (agreement, article 6)")
        #expect(RoomBookingRules.charge(for: booking, year: 2027, allowance: 2, used: 1).0 == .free)
        let third = RoomBookingRules.charge(for: booking, year: 2027, allowance: 2, used: 2)
        #expect(third.0 == .billable && third.why == "the 2 free uses of the Atrium in 2027 are used up: rented at the founder-member rate (article 6)")
        #expect(RoomBookingRules.charge(for: booking, year: 2027, allowance: 1, used: 1).why.contains("the 1 free use of the Atrium in 2027 is used up"))
        let outside = RoomBookingRules.charge(for: Self.booking(.pending, agreement: nil), year: 2027, allowance: 4, used: 0)
        #expect(outside.0 == .billable && outside.why.contains("is not under an agreement"))
    }

    @Test func aReturnedUseCountsNoMoreAndGoesToABillableBookingOnly() {
        let charged: [RoomBookingRules.Charged] = [
            .init(reference: "R-000001", charge: .free, returned: true, status: .cancelled),
            .init(reference: "R-000002", charge: .free, returned: false, status: .accepted),
            .init(reference: "R-000003", charge: .billable, returned: false, status: .accepted),
            .init(reference: "R-000004", charge: .billable, returned: false, status: .cancelled),
        ]
        let room = Room(id: UUID(), code: "atrium", name: "Atrium", layouts: [], archivedAt: nil)
        let summary = RoomBookingRules.summary(of: room, allowance: 2, charged: charged)
        #expect(summary.used == 1 && summary.remaining == 1)
        #expect(summary.freeBookings == ["R-000002"] && summary.billableBookings == ["R-000003"])

        let cancelled = Self.booking(.cancelled, charge: .free)
        let taken = RoomBookingRules.takeFreeUse(Self.booking(.accepted, charge: .billable), givenBackBy: cancelled)
        #expect(taken?.to == .accepted && taken?.charge?.0 == .free)
        #expect(taken?.charge?.why == "free use given back by the cancellation of R-000007 (agreement, article 6)")
        #expect(RoomBookingRules.takeFreeUse(Self.booking(.accepted, charge: .free), givenBackBy: cancelled) == nil)
        #expect(RoomBookingRules.takeFreeUse(Self.booking(.cancelled, charge: .billable), givenBackBy: cancelled) == nil)
    }

    @Test func aRequestIsCheckedBeforeAnythingIsRead() throws {
        func request(attendees: Int = 10, hours: Double = 2, startingIn seconds: Double = 3600, purpose: String = "Réunion") -> RoomBookingRequest {
            let start = Self.start.addingTimeInterval(seconds)
            return RoomBookingRequest(
                room: "atrium", layout: "theatre", period: Period(start: start, end: start.addingTimeInterval(hours * 3600)), attendees: attendees,
                purpose: purpose)
        }
        func field(_ request: RoomBookingRequest) -> String? {
            do { _ = try RoomBookingRules.checkRequest(request, now: Self.start); return nil } catch let problem as Problem { return problem.field } catch { return "?" }
        }
        #expect(try RoomBookingRules.checkRequest(request(purpose: "  Réunion "), now: Self.start).purpose == "Réunion")
        #expect(field(request(attendees: 0)) == "attendees")
        #expect(field(request(attendees: 10_001)) == "attendees")
        #expect(field(request(hours: 0)) == "end")
        #expect(field(request(hours: 15 * 24)) == "end")
        #expect(field(request(startingIn: -60)) == "start")
        #expect(field(request(purpose: " ")) == "purpose")

        let room = Room(
            id: UUID(), code: "atrium", name: "Atrium", layouts: [RoomLayout(id: UUID(), code: "theatre", label: "Théâtre", capacity: 120)],
            archivedAt: nil)
        #expect(try RoomBookingRules.layout("THEATRE", of: room, attendees: 120).code == "theatre")
        #expect(throws: Problem.self) { try RoomBookingRules.layout("theatre", of: room, attendees: 121) }
        #expect(throws: Problem.self) { try RoomBookingRules.layout("cabaret", of: room, attendees: 10) }
    }

    @Test func requestersAreToldOfDecisionsNotOfWhatTheyDidThemselves() {
        func told(_ from: RoomBooking.Status, _ to: RoomBooking.Status, charge: RoomBooking.Charge? = nil, reason: String? = nil, by actor: Actor)
            -> RoomBookingNotifications.Message?
        {
            var after = Self.booking(to, charge: charge)
            after.chargeReason = charge.map { _ in "free use 1 of 2 for the Atrium in 2027 (agreement, article 6)" }
            return RoomBookingNotifications.message(
                RoomBookingMoved(before: Self.booking(from), after: after, move: RoomBookingMove(to: to, reason: reason)), by: actor)
        }
        let accepted = told(.pending, .accepted, charge: .free, by: Self.manager)
        #expect(accepted?.subject == "Réservation R-000007 acceptée")
        // Exact French: the room with its article, the charge said in French rather than the domain's English reason.
        #expect(accepted?.body == "Votre réservation de l'Atrium le vendredi 15 janvier 2027 de 9 h 00 à 13 h 00 est acceptée. "
            + "Elle est gratuite : c'est une des utilisations que la convention prévoit chaque année (article 6).")
        #expect(told(.pending, .accepted, charge: .billable, by: Self.manager)?.body
            == "Votre réservation de l'Atrium le vendredi 15 janvier 2027 de 9 h 00 à 13 h 00 est acceptée. Elle sera facturée selon la grille tarifaire en vigueur.")
        #expect(told(.pending, .refused, reason: "travaux", by: Self.manager)?.body
            == "Votre demande de réservation de l'Atrium le vendredi 15 janvier 2027 de 9 h 00 à 13 h 00 n'a pas pu être acceptée : travaux")
        #expect(told(.accepted, .cancelled, reason: "grève", by: Self.manager)?.body
            == "Votre réservation de l'Atrium le vendredi 15 janvier 2027 de 9 h 00 à 13 h 00 est annulée : grève")
        #expect(told(.accepted, .cancelled, reason: "grève", by: Self.manager)?.subject == "Réservation R-000007 annulée")
        #expect(told(.accepted, .cancelled, reason: "plus besoin", by: Self.memberActor) == nil)
        // A free use handed on is no decision of theirs to hear about.
        #expect(told(.accepted, .accepted, charge: .free, by: .system("allowance")) == nil)
    }

    @Test func anAcceptedBookingIsBilledItsFeesAndItsRentalWhenNotFree() {
        let free = RoomBookingBilling.items(for: Self.booking(.accepted, charge: .free))
        #expect(free.map(\.kind) == [.roomServiceFees])
        let billable = RoomBookingBilling.items(for: Self.booking(.accepted, charge: .billable))
        #expect(billable.map(\.kind) == [.roomServiceFees, .roomRental])
        #expect(billable[1].description == "Location Atrium, 2027-01-15 09:00–13:00 (R-000007)" && billable[1].minutes == 240)
        #expect(billable.allSatisfy { $0.serviceDate == CalendarDate(year: 2027, month: 1, day: 15)! && $0.agreementId == TestLab.agreement })
    }
}
