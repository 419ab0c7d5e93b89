import Foundation
import Testing
@testable import MuseoLab

/// The rules of a session's life and what people are told, on sessions as loaded: no database.
@Suite struct SessionTransitionTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15T08:00:00Z, 09:00 in Paris
    static let member = UUID(uuidString: "00000000-0000-4000-8000-00000000000a")!
    static let staff = UUID(uuidString: "00000000-0000-4000-8000-00000000000b")!

    static func session(_ status: SessionStatus) -> SupportSession {
        SupportSession(
            id: UUID(uuidString: "00000000-0000-4000-8000-000000000042")!, number: 42, supervised: true,
            requester: .init(id: member, displayName: "Ana", email: "ana@univ-artois.fr"), organisationId: TestLab.university,
            organisationName: "Université d'Artois", agreementId: TestLab.agreement,
            staff: .init(id: staff, displayName: "Marc", email: "marc@louvrelensvallee.fr"), purpose: "Prototype", participants: 2,
            period: Period(start: start, end: start.addingTimeInterval(2 * 3600)), status: status, actualPeriod: nil,
            lateCancellation: false, revision: 0, machines: [], events: [], createdAt: start, updatedAt: start)
    }

    static let memberActor = Actor(userId: member, organisationId: TestLab.university, role: .member, label: "user:ana@univ-artois.fr")
    static let staffActor = Actor(userId: staff, organisationId: TestLab.llv, role: .manager, label: "user:marc@louvrelensvallee.fr")
    static let accountant = Actor(userId: UUID(), organisationId: TestLab.llv, role: .accountant, label: "user:compta@louvrelensvallee.fr")

    @Test func whichMovesArePossibleFromWhere() throws {
        #expect(try SessionTransitions.confirm(Self.session(.requested), reason: "ok") == SessionMove(to: .confirmed, reason: "ok"))
        for status in [SessionStatus.confirmed, .completed, .cancelled, .noShow] {
            #expect(throws: Problem.self) { try SessionTransitions.confirm(Self.session(status), reason: nil) }
        }
        let actual = Period(start: Self.start, end: Self.start.addingTimeInterval(3600))
        #expect(try SessionTransitions.complete(Self.session(.confirmed), actual: actual, note: nil).actual == actual)
        #expect(throws: Problem.self) { try SessionTransitions.complete(Self.session(.requested), actual: actual, note: nil) }
        let refusal = #expect(throws: Problem.self) { try SessionTransitions.complete(Self.session(.noShow), actual: actual, note: nil) }
        #expect(refusal?.detail == "cannot complete a session that is no-show")
    }

    @Test func onlyASessionRecordedAfterwardsGoesFromRequestedToCompleted() throws {
        let actual = Period(start: Self.start, end: Self.start.addingTimeInterval(3600))
        var recorded = Self.session(.requested)
        recorded.recordedAfterwards = true
        #expect(try SessionTransitions.recordAfterwards(recorded, actual: actual, note: "walk-in") == SessionMove(to: .completed, reason: "walk-in", actual: actual))
        let booked = #expect(throws: Problem.self) { try SessionTransitions.recordAfterwards(Self.session(.requested), actual: actual, note: nil) }
        #expect(booked?.detail == "cannot record afterwards a session that is requested")
        #expect(QuotaLedger.entry(for: recorded, to: .completed, lateCancellation: false, actual: actual, byMaintenance: false,
                                  lateCancellationsCount: false, noShowsCount: false)?.committed == 0)
        #expect(QuotaLedger.entry(for: Self.session(.requested), to: .completed, lateCancellation: false, actual: actual, byMaintenance: false,
                                  lateCancellationsCount: false, noShowsCount: false) == nil, "a booked request is never completed unconfirmed")
    }

    @Test func aCancellationIsLateWithinTheNotice() throws {
        let notice = 48 * 60
        let early = try SessionTransitions.cancel(
            Self.session(.confirmed), reason: "malade", by: Self.memberActor, now: Self.start.addingTimeInterval(-72 * 3600), noticeMinutes: notice)
        #expect(early == SessionMove(to: .cancelled, reason: "malade", lateCancellation: false))
        let late = try SessionTransitions.cancel(
            Self.session(.confirmed), reason: "malade", by: Self.memberActor, now: Self.start.addingTimeInterval(-3600), noticeMinutes: notice)
        #expect(late.lateCancellation)
        #expect(throws: Problem.self, "over") {
            try SessionTransitions.cancel(
                Self.session(.confirmed), reason: "x", by: Self.staffActor, now: Self.start.addingTimeInterval(3 * 3600), noticeMinutes: notice)
        }
        let forbidden = #expect(throws: Problem.self) {
            try SessionTransitions.cancel(Self.session(.requested), reason: "x", by: Self.accountant, now: Self.start, noticeMinutes: 0)
        }
        #expect(forbidden?.kind == .forbidden)
    }

    @Test func aNoShowIsRecordedFromTheStart() throws {
        #expect(throws: Problem.self) { try SessionTransitions.noShow(Self.session(.confirmed), reason: nil, now: Self.start.addingTimeInterval(-60)) }
        #expect(try SessionTransitions.noShow(Self.session(.confirmed), reason: nil, now: Self.start).to == .noShow)
    }

    @Test func maintenanceCancelsWhatIsStillActive() {
        let move = SessionTransitions.cancelForMaintenance(Self.session(.confirmed), machine: "Imprimante 3D", reason: "buse")
        #expect(move == SessionMove(to: .cancelled, reason: "maintenance of the Imprimante 3D: buse", cause: .maintenance(machine: "Imprimante 3D")))
        #expect(SessionTransitions.cancelForMaintenance(Self.session(.cancelled), machine: "x", reason: "y") == nil)
        #expect(SessionTransitions.cancelForMaintenance(Self.session(.completed), machine: "x", reason: "y") == nil)
    }

    @Test func whoIsToldWhat() throws {
        func told(_ to: SessionStatus, _ move: SessionMove, by actor: Actor) -> SessionNotifications.Message? {
            var after = Self.session(to)
            after.revision = 1
            return SessionNotifications.message(SessionMoved(before: Self.session(.confirmed), after: after, move: move), by: actor)
        }
        let confirmed = try #require(told(.confirmed, SessionMove(to: .confirmed), by: Self.staffActor))
        #expect(confirmed.userId == Self.member && confirmed.kind == "session.confirmed")
        #expect(confirmed.subject == "Séance S-000042 confirmée")
        #expect(confirmed.body == "Votre séance du vendredi 15 janvier 2027 de 9 h 00 à 11 h 00 est confirmée.")
        // The requester cancels: the staff member is told.
        let byRequester = try #require(told(.cancelled, SessionMove(to: .cancelled, reason: "malade"), by: Self.memberActor))
        #expect(byRequester.userId == Self.staff && byRequester.body == "Ana a annulé la séance du vendredi 15 janvier 2027 de 9 h 00 à 11 h 00 : malade")
        let byMaintenance = try #require(told(
            .cancelled, SessionTransitions.cancelForMaintenance(Self.session(.confirmed), machine: "Imprimante 3D", reason: "buse")!, by: Self.staffActor))
        #expect(byMaintenance.userId == Self.member && byMaintenance.subject == "Séance S-000042 annulée (maintenance)")
        #expect(told(.completed, SessionMove(to: .completed), by: Self.staffActor) == nil)
        let request = try #require(SessionNotifications.message(requested: Self.session(.requested)))
        #expect(request.userId == Self.staff && request.body == "Ana demande une séance le vendredi 15 janvier 2027 de 9 h 00 à 11 h 00 : Prototype")
    }
}
