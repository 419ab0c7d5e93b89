import Foundation
import Hummingbird
import Logging
import MuseoLabHTTP
import NIOCore
import PostgresNIO
import Testing
@testable import MuseoLab

/// Who may call what: every operation of the OpenAPI document, called by each identity
/// (anonymous, a member, another member, a manager, an accountant, an administrator), with
/// the exact status each one gets.
///
/// The matrix below is checked against the document itself: an operation without a row, or
/// a row without an operation, fails `everyOperationHasOneRow`, so a new route cannot be
/// added without saying who may call it.
///
/// Each row runs on its own seeded database and server (as `TestLab.withServer`). Every cell that changes something
/// acts on a target made for it alone (a session, a booking, a draft, a token…), so each
/// status is the authorisation outcome, never a 409 left over by the cell before.
/// Allowed identities send valid requests and get their 2xx; denied ones get 401 (no token,
/// under `/v1/`), 403 (the role forbids) or 404 ("unknown, or not yours to know").
@Suite struct AuthorisationMatrixTests {
    // MARK: - The matrix

    /// Statuses in the order of `Who.allCases`:
    /// `[anonymous, member, otherMember, manager, accountant, admin]`.
    ///
    /// `member` is Ana and `otherMember` Bruno, both of the university. Where a target belongs
    /// to someone (a session, a room booking, a token, a notification, an account), it is
    /// Ana's: `otherMember` is then the member it does not belong to. In the rows marked
    /// `contact`, Ana is also the university's contact person for the agreement (the README's
    /// "contact person"), and Bruno an ordinary member.
    static let matrix: [Row] = [
        // MARK: Service: public, a token changes nothing
        //                                                     anon member other manager accountant admin
        row("GET /health", .service,                           [200, 200, 200, 200, 200, 200]) { _, _ in .get("/health") },
        row("GET /metrics", .service,                          [200, 200, 200, 200, 200, 200]) { _, _ in .get("/metrics") },
        row("GET /openapi.yaml", .service,                     [200, 200, 200, 200, 200, 200]) { _, _ in .get("/openapi.yaml") },
        row("GET /problems/{slug}", .service,                  [200, 200, 200, 200, 200, 200]) { _, _ in .get("/problems/forbidden") },
        // The private feed is a capability URL: whoever holds the secret reads it, token or not.
        row("GET /calendar/feeds/{feedToken}", .service,       [200, 200, 200, 200, 200, 200]) { f, _ in
            let secret = try await f.lab.calendarFeeds.create(for: f.people.member.user.id, by: f.people.member.actor)
            return .get("/calendar/feeds/\(secret).ics")
        },
        row("GET /calendar/machines/{machineId}", .service,    [200, 200, 200, 200, 200, 200]) { f, _ in
            .get("/calendar/machines/\(try await f.printer().text).ics")
        },

        // MARK: People and access
        //                                                     anon member other manager accountant admin
        row("GET /v1/me", .people,                             [401, 200, 200, 200, 200, 200]) { _, _ in .get("/v1/me") },
        row("GET /v1/organisations", .people,                  [401, 403, 403, 200, 200, 200]) { _, _ in .get("/v1/organisations") },
        row("POST /v1/organisations", .people,                 [401, 403, 403, 403, 403, 201]) { _, who in
            .send("/v1/organisations", ["name": "Atelier \(who.slug)", "tariffCategory": "partner"])
        },
        // The university is Ana's and Bruno's own organisation: members see their own.
        row("GET /v1/organisations/{organisationId}", .people, [401, 200, 200, 200, 200, 200]) { _, _ in
            .get("/v1/organisations/\(TestLab.university.text)")
        },
        // Billing details only: the accountant sets them too.
        row("PATCH /v1/organisations/{organisationId}", .people, [401, 403, 403, 403, 200, 200]) { _, _ in
            .send("/v1/organisations/\(TestLab.university.text)", ["chorusServiceCode": "SERV-MUSEOLAB"])
        },
        row("POST /v1/organisations/{organisationId}/components", .people, [401, 403, 403, 403, 403, 201]) { _, who in
            .send("/v1/organisations/\(TestLab.university.text)/components", ["kind": "ufr", "name": "UFR \(who.slug)"])
        },
        row("GET /v1/users", .people,                          [401, 403, 403, 200, 403, 200]) { _, _ in .get("/v1/users") },
        row("POST /v1/users", .people,                         [401, 403, 403, 403, 403, 201]) { _, who in
            .send("/v1/users", [
                "email": "new-\(who.slug)@univ-artois.fr", "displayName": "New \(who.slug)", "organisationId": TestLab.university.text,
                "role": "member",
            ])
        },
        // Ana's account: Bruno, and the accountant (who may not view people), are told it does not exist.
        row("GET /v1/users/{userId}", .people,                 [401, 200, 404, 200, 404, 200]) { f, _ in
            .get("/v1/users/\(f.people.member.user.id.text)")
        },
        row("PATCH /v1/users/{userId}", .people,               [401, 403, 403, 403, 403, 200]) { f, _ in
            .send("/v1/users/\(try await f.freshUser().id.text)", ["displayName": "Renamed"])
        },
        row("POST /v1/users/{userId}/disable", .people,        [401, 403, 403, 403, 403, 200]) { f, _ in
            .send("/v1/users/\(try await f.freshUser().id.text)/disable", ["reason": "left the university"])
        },
        // Ana's tokens: hers and an administrator's business, nobody else's to know about.
        row("GET /v1/users/{userId}/tokens", .people,          [401, 200, 404, 404, 404, 200]) { f, _ in
            .get("/v1/users/\(f.people.member.user.id.text)/tokens")
        },
        row("POST /v1/users/{userId}/tokens", .people,         [401, 201, 404, 404, 404, 201]) { f, _ in
            .send("/v1/users/\(f.people.member.user.id.text)/tokens", ["label": "laptop"])
        },
        row("POST /v1/tokens/{tokenId}/revoke", .people,       [401, 200, 404, 404, 404, 200]) { f, _ in
            let issued = try await f.lab.tokens.create(for: f.people.member.user.id, label: "phone", expiresAt: nil, by: f.people.member.actor)
            return .send("/v1/tokens/\(issued.token.id.text)/revoke", ["reason": "lost"])
        },
        row("GET /v1/audit", .people,                          [401, 403, 403, 403, 403, 200]) { _, _ in .get("/v1/audit") },
        row("GET /v1/me/notifications", .people,               [401, 200, 200, 200, 200, 200]) { _, _ in .get("/v1/me/notifications") },
        // Ana's notification: only she marks it read; to anyone else, administrators included, it does not exist.
        row("POST /v1/me/notifications/{notificationId}/read", .people, [401, 204, 404, 404, 404, 404]) { f, _ in
            .post("/v1/me/notifications/\(try await f.memberNotification().text)/read")
        },
        row("POST /v1/me/calendar-feed", .people,              [401, 201, 201, 201, 201, 201]) { _, _ in .post("/v1/me/calendar-feed") },
        // Each caller revokes their own feed, made just before.
        row("POST /v1/me/calendar-feed/revoke", .people,       [401, 204, 204, 204, 204, 204]) { f, who in
            if let person = f.person(who) { _ = try await f.lab.calendarFeeds.create(for: person.user.id, by: person.actor) }
            return .post("/v1/me/calendar-feed/revoke")
        },

        // MARK: Inventory, maintenance, authorisations
        //                                                     anon member other manager accountant admin
        row("GET /v1/machines", .inventory,                    [401, 200, 200, 200, 200, 200]) { _, _ in .get("/v1/machines") },
        row("POST /v1/machines", .inventory,                   [401, 403, 403, 201, 403, 201]) { _, who in
            .send("/v1/machines", ["nature": "Perceuse à colonne \(who.slug)"])
        },
        row("GET /v1/machines/{machineId}", .inventory,        [401, 200, 200, 200, 200, 200]) { f, _ in
            .get("/v1/machines/\(try await f.printer().text)")
        },
        row("PATCH /v1/machines/{machineId}", .inventory,      [401, 403, 403, 200, 403, 200]) { f, _ in
            .send("/v1/machines/\(try await f.printer().text)", ["notes": "buse changée"])
        },
        row("GET /v1/machines/{machineId}/availability", .inventory, [401, 200, 200, 200, 200, 200]) { f, _ in
            .get("/v1/machines/\(try await f.printer().text)/availability?\(Fixture.window)")
        },
        row("GET /v1/machines/{machineId}/maintenance", .inventory, [401, 200, 200, 200, 200, 200]) { f, _ in
            .get("/v1/machines/\(try await f.printer().text)/maintenance")
        },
        row("POST /v1/machines/{machineId}/maintenance", .inventory, [401, 403, 403, 201, 403, 201]) { f, _ in
            let period = f.slot()
            return .send("/v1/machines/\(try await f.printer().text)/maintenance", [
                "start": Days.iso(period.start), "end": Days.iso(period.end), "reason": "calibration",
            ])
        },
        row("POST /v1/maintenance/{maintenanceId}/withdraw", .inventory, [401, 403, 403, 200, 403, 200]) { f, _ in
            let window = try await f.lab.maintenance.add(
                machineId: try await f.printer(), period: f.slot(), reason: "calibration", cancelConflicting: false, by: f.people.manager.actor)
            return .post("/v1/maintenance/\(window.id.text)/withdraw")
        },
        row("GET /v1/authorisations", .inventory,              [401, 200, 200, 200, 200, 200]) { _, _ in .get("/v1/authorisations") },
        row("POST /v1/authorisations", .inventory,             [401, 403, 403, 201, 403, 201]) { f, _ in
            .send("/v1/authorisations", ["userId": f.people.member.user.id.text, "machineId": try await f.laser().text])
        },
        row("POST /v1/authorisations/{authorisationId}/revoke", .inventory, [401, 403, 403, 200, 403, 200]) { f, _ in
            let granted = try await f.lab.authorisations.grant(
                to: f.people.member.user.id, machineId: try await f.laser(), category: nil, grantedOn: nil, expiresOn: nil, note: nil,
                by: f.people.manager.actor)
            return .send("/v1/authorisations/\(granted.id.text)/revoke", ["reason": "formation à refaire"])
        },

        // MARK: Scheduling: sessions, calendar, staff
        //                                                     anon member other manager accountant admin
        // Trainings: anyone signed in asks for one; managers plan them.
        row("GET /v1/trainings", .scheduling,                  [401, 200, 200, 200, 200, 200]) { _, _ in .get("/v1/trainings") },
        row("POST /v1/trainings", .scheduling,                 [401, 201, 201, 201, 201, 201]) { f, _ in
            .send("/v1/trainings", ["category": "laser-cutter"])
        },
        row("POST /v1/trainings/{trainingId}/plan", .scheduling, [401, 403, 403, 201, 403, 201]) { f, _ in
            let asked = try await f.lab.trainings.ask(machineId: nil, category: "laser-cutter", note: nil, by: f.people.member.actor)
            let period = f.seriesStart()
            return .send("/v1/trainings/\(asked.id.text)/plan", ["start": Days.iso(period.start), "end": Days.iso(period.end)])
        },
        // A series: anyone signed in asks for one; Ana's is seen as her sessions are, confirmed by
        // staff, cancelled from an occurrence on by her or staff.
        row("POST /v1/session-series", .scheduling,            [401, 201, 201, 201, 201, 201]) { f, _ in
            let period = f.seriesStart()
            return .send("/v1/session-series", ["purpose": "Cours", "start": Days.iso(period.start), "end": Days.iso(period.end), "count": 2])
        },
        row("GET /v1/session-series/{seriesId}", .scheduling,  [401, 200, 404, 200, 200, 200]) { f, _ in
            .get("/v1/session-series/\(try await f.memberSeries().id.text)")
        },
        row("POST /v1/session-series/{seriesId}/confirm", .scheduling, [401, 403, 403, 200, 403, 200]) { f, _ in
            .post("/v1/session-series/\(try await f.memberSeries().id.text)/confirm")
        },
        row("POST /v1/session-series/{seriesId}/cancel", .scheduling, [401, 200, 404, 200, 403, 200]) { f, _ in
            .send("/v1/session-series/\(try await f.memberSeries().id.text)/cancel", ["fromOccurrence": 2, "reason": "fin du cours"])
        },
        // The waiting list: anyone signed in waits for a slot; Ana's request is withdrawn by her or
        // by a manager, and Bruno and the accountant are told it does not exist.
        row("GET /v1/waiting-list", .scheduling,               [401, 200, 200, 200, 200, 200]) { _, _ in .get("/v1/waiting-list") },
        row("POST /v1/waiting-list", .scheduling,              [401, 201, 201, 201, 201, 201]) { f, _ in
            let period = f.slot()
            return .send("/v1/waiting-list", ["machineId": try await f.laser().text, "start": Days.iso(period.start), "end": Days.iso(period.end)])
        },
        row("POST /v1/waiting-list/{requestId}/withdraw", .scheduling, [401, 200, 404, 200, 404, 200]) { f, _ in
            let asked = try await f.lab.waitingList.ask(machineId: try await f.laser(), staffId: nil, period: f.slot(), by: f.people.member.actor)
            return .post("/v1/waiting-list/\(asked.id.text)/withdraw")
        },
        row("GET /v1/sessions", .scheduling,                   [401, 200, 200, 200, 200, 200]) { _, _ in .get("/v1/sessions") },
        // Everyone signed in books for themself (each in an hour of their own: one staff member supervises).
        row("POST /v1/sessions", .scheduling,                  [401, 201, 201, 201, 201, 201]) { f, _ in
            let period = f.slot()
            return .send("/v1/sessions", ["purpose": "Prototype", "start": Days.iso(period.start), "end": Days.iso(period.end)])
        },
        // Ana's session: the accountant sees every session; Bruno is told it does not exist.
        row("GET /v1/sessions/{sessionId}", .scheduling,       [401, 200, 404, 200, 200, 200]) { f, _ in
            .get("/v1/sessions/\(try await f.memberSession().id.text)")
        },
        row("GET /v1/sessions/{sessionId}/quota-preview", .scheduling, [401, 200, 404, 200, 200, 200]) { f, _ in
            .get("/v1/sessions/\(try await f.memberSession().id.text)/quota-preview")
        },
        row("POST /v1/sessions/{sessionId}/confirm", .scheduling, [401, 403, 403, 200, 403, 200]) { f, _ in
            .send("/v1/sessions/\(try await f.memberSession().id.text)/confirm", ["reason": "ok"])
        },
        // Another time: the staff's, as confirming.
        row("POST /v1/sessions/{sessionId}/reschedule", .scheduling, [401, 403, 403, 200, 403, 200]) { f, _ in
            let session = try await f.memberSession()
            let later = f.slot()
            return .send("/v1/sessions/\(session.id.text)/reschedule", ["start": Days.iso(later.start), "end": Days.iso(later.end), "reason": "atelier"])
        },
        // Its requester or staff. Bruno does not know of Ana's session (404); the accountant sees
        // it but may not cancel it (403).
        row("POST /v1/sessions/{sessionId}/cancel", .scheduling, [401, 200, 404, 200, 403, 200]) { f, _ in
            .send("/v1/sessions/\(try await f.memberSession().id.text)/cancel", ["reason": "examen déplacé"])
        },
        // Completion and no-shows come after the start: these two rows' server reads its clock
        // the day after the sessions (made with today's clock, confirmed by the manager).
        row("POST /v1/sessions/{sessionId}/complete", .scheduling, [401, 403, 403, 200, 403, 200], clock: Fixture.dayAfterFirstSlots) { f, _ in
            let session = try await f.confirmedMemberSession()
            return .send("/v1/sessions/\(session.id.text)/complete", [
                "actualStart": Days.iso(session.period.start), "actualEnd": Days.iso(session.period.end), "note": "ok",
            ])
        },
        row("POST /v1/sessions/recorded", .scheduling, [401, 403, 403, 201, 403, 201], clock: Fixture.dayAfterFirstSlots) { f, _ in
            let period = f.slot()
            return .send("/v1/sessions/recorded", [
                "requesterId": f.people.member.user.id.text, "staffId": f.people.manager.user.id.text, "purpose": "Passage",
                "actualStart": Days.iso(period.start), "actualEnd": Days.iso(period.end),
            ])
        },
        row("POST /v1/sessions/{sessionId}/no-show", .scheduling, [401, 403, 403, 200, 403, 200], clock: Fixture.dayAfterFirstSlots) { f, _ in
            .send("/v1/sessions/\(try await f.confirmedMemberSession().id.text)/no-show", ["reason": "personne"])
        },
        row("GET /v1/calendar/opening-hours", .scheduling,     [401, 200, 200, 200, 200, 200]) { _, _ in .get("/v1/calendar/opening-hours") },
        // The seeded hours again: nothing else in the row depends on a change.
        row("PUT /v1/calendar/opening-hours", .scheduling,     [401, 403, 403, 200, 403, 200]) { _, _ in
            .send("/v1/calendar/opening-hours", ["intervals": Fixture.weekdays])
        },
        row("GET /v1/calendar/closures", .scheduling,          [401, 200, 200, 200, 200, 200]) { _, _ in .get("/v1/calendar/closures?year=2027") },
        row("POST /v1/calendar/closures", .scheduling,         [401, 403, 403, 201, 403, 201]) { _, who in
            let day = "2027-08-0\(who.rawValue + 2)"
            return .send("/v1/calendar/closures", ["startsOn": day, "endsOn": day, "label": "Inventaire \(who.slug)"])
        },
        row("POST /v1/calendar/closures/{closureId}/withdraw", .scheduling, [401, 403, 403, 200, 403, 200]) { f, _ in
            let day = CalendarDate("2027-08-16")!
            let closure = try await f.lab.calendar.addClosure(from: day, to: day, label: "Inventaire", by: f.people.manager.actor)
            return .post("/v1/calendar/closures/\(try #require(closure.id).text)/withdraw")
        },
        row("GET /v1/calendar/rules", .scheduling,             [401, 200, 200, 200, 200, 200]) { _, _ in .get("/v1/calendar/rules") },
        row("PATCH /v1/calendar/rules", .scheduling,           [401, 403, 403, 200, 403, 200]) { _, _ in
            .send("/v1/calendar/rules", ["cancellationNoticeMinutes": 2880])
        },
        row("GET /v1/staff", .scheduling,                      [401, 200, 200, 200, 200, 200]) { _, _ in .get("/v1/staff") },
        row("GET /v1/staff/{userId}/availability", .scheduling, [401, 200, 200, 200, 200, 200]) { f, _ in
            .get("/v1/staff/\(f.people.manager.user.id.text)/availability?\(Fixture.window)")
        },
        row("PUT /v1/staff/{userId}/availability/weekly", .scheduling, [401, 403, 403, 200, 403, 200]) { f, _ in
            .send("/v1/staff/\(f.people.manager.user.id.text)/availability/weekly", ["intervals": Fixture.weekdays])
        },
        row("POST /v1/staff/{userId}/availability/exceptions", .scheduling, [401, 403, 403, 201, 403, 201]) { f, _ in
            let period = f.slot()
            return .send("/v1/staff/\(f.people.manager.user.id.text)/availability/exceptions", [
                "start": Days.iso(period.start), "end": Days.iso(period.end), "available": false, "reason": "formation",
            ])
        },
        row("POST /v1/staff-availability-exceptions/{exceptionId}/withdraw", .scheduling, [401, 403, 403, 204, 403, 204]) { f, _ in
            let exception = try await f.lab.staffAvailability.addException(
                f.people.manager.user.id, period: f.slot(), available: false, reason: "formation", by: f.people.manager.actor)
            return .post("/v1/staff-availability-exceptions/\(exception.id.text)/withdraw")
        },

        // MARK: Quota: the agreement, its ledger, alerts, overage
        // contact: Ana is the university's contact person. She sees the agreement and its
        // quota; Bruno does not see the agreement (404) and is refused its quota (403).
        //                                                     anon member other manager accountant admin
        row("GET /v1/agreements", .quota,                      [401, 200, 200, 200, 200, 200], contact: true) { _, _ in .get("/v1/agreements") },
        row("GET /v1/agreements/{agreementId}", .quota,        [401, 200, 404, 200, 200, 200], contact: true) { _, _ in
            .get("/v1/agreements/\(TestLab.agreement.text)")
        },
        row("POST /v1/agreements/{agreementId}/amendments", .quota, [401, 403, 403, 201, 403, 201], contact: true) { _, who in
            .send("/v1/agreements/\(TestLab.agreement.text)/amendments", [
                "effectiveFrom": "2028-0\(who.rawValue + 1)-01", "label": "Avenant \(who.slug)", "supportQuotaHours": 420,
            ])
        },
        row("PATCH /v1/agreements/{agreementId}/policy", .quota, [401, 403, 403, 200, 403, 200], contact: true) { _, _ in
            .send("/v1/agreements/\(TestLab.agreement.text)/policy", ["lateCancellationsCount": true])
        },
        row("GET /v1/agreements/{agreementId}/quota", .quota,  [401, 200, 403, 200, 200, 200], contact: true) { _, _ in
            .get("/v1/agreements/\(TestLab.agreement.text)/quota?year=2026")
        },
        row("GET /v1/agreements/{agreementId}/quota/ledger", .quota, [401, 200, 403, 200, 200, 200], contact: true) { _, _ in
            .get("/v1/agreements/\(TestLab.agreement.text)/quota/ledger?year=2026")
        },
        row("POST /v1/agreements/{agreementId}/quota/adjustments", .quota, [401, 403, 403, 201, 403, 201], contact: true) { _, _ in
            .send("/v1/agreements/\(TestLab.agreement.text)/quota/adjustments", ["year": 2026, "minutes": 60, "reason": "relevé"])
        },
        row("GET /v1/agreements/{agreementId}/quota/report", .quota, [401, 200, 403, 200, 200, 200], contact: true) { _, _ in
            .get("/v1/agreements/\(TestLab.agreement.text)/quota/report?year=2026&by=month")
        },
        // Recipients, alerts and overage are LLV's: not even the contact person sees them.
        row("GET /v1/agreements/{agreementId}/alert-recipients", .quota, [401, 403, 403, 200, 200, 200], contact: true) { _, _ in
            .get("/v1/agreements/\(TestLab.agreement.text)/alert-recipients")
        },
        row("POST /v1/agreements/{agreementId}/alert-recipients", .quota, [401, 403, 403, 201, 403, 201], contact: true) { _, who in
            .send("/v1/agreements/\(TestLab.agreement.text)/alert-recipients", ["channel": "email", "address": "alertes-\(who.slug)@univ-artois.fr"])
        },
        row("POST /v1/alert-recipients/{recipientId}/remove", .quota, [401, 403, 403, 204, 403, 204], contact: true) { f, _ in
            let recipient = try await f.lab.alerts.addRecipient(
                TestLab.agreement, channel: .email, address: "alertes-\(f.next())@univ-artois.fr", by: f.people.manager.actor)
            return .post("/v1/alert-recipients/\(recipient.id.text)/remove")
        },
        row("GET /v1/alerts", .quota,                          [401, 403, 403, 200, 200, 200], contact: true) { _, _ in .get("/v1/alerts") },
        row("POST /v1/alerts/{alertId}/acknowledge", .quota,   [401, 403, 403, 200, 403, 200], contact: true) { f, _ in
            .post("/v1/alerts/\(try await f.freshAlert())/acknowledge")
        },
        row("GET /v1/overage", .quota,                         [401, 403, 403, 200, 200, 200], contact: true) { _, _ in .get("/v1/overage") },
        row("POST /v1/overage/{itemId}/bill", .quota,          [401, 403, 403, 200, 403, 200], contact: true) { f, _ in
            .send("/v1/overage/\(try await f.pendingOverageItem())/bill", ["reason": "au-delà des 400 h"])
        },
        row("POST /v1/overage/{itemId}/waive", .quota,         [401, 403, 403, 200, 403, 200], contact: true) { f, _ in
            .send("/v1/overage/\(try await f.pendingOverageItem())/waive", ["reason": "geste commercial"])
        },

        // MARK: Rooms
        //                                                     anon member other manager accountant admin
        row("GET /v1/rooms", .rooms,                           [401, 200, 200, 200, 200, 200]) { _, _ in .get("/v1/rooms") },
        row("POST /v1/rooms", .rooms,                          [401, 403, 403, 201, 403, 201]) { _, who in
            .send("/v1/rooms", ["code": "jardin-\(who.slug)", "name": "Jardin", "layouts": [["code": "standing", "label": "Debout", "capacity": 120]]])
        },
        row("GET /v1/rooms/{roomId}", .rooms,                  [401, 200, 200, 200, 200, 200]) { _, _ in .get("/v1/rooms/atrium") },
        row("PATCH /v1/rooms/{roomId}", .rooms,                [401, 403, 403, 200, 403, 200]) { f, _ in
            .send("/v1/rooms/\(try await f.lab.rooms.find("atrium").id.text)", ["name": "Atrium"])
        },
        row("PUT /v1/rooms/{roomId}/layouts/{layoutCode}", .rooms, [401, 403, 403, 200, 403, 200]) { _, _ in
            .send("/v1/rooms/atrium/layouts/standard", ["label": "Standard", "capacity": 80])
        },
        row("GET /v1/rooms/{roomId}/availability", .rooms,     [401, 200, 200, 200, 200, 200]) { _, _ in
            .get("/v1/rooms/meeting/availability?\(Fixture.window)")
        },
        row("GET /v1/room-bookings", .rooms,                   [401, 200, 200, 200, 200, 200]) { _, _ in .get("/v1/room-bookings") },
        row("POST /v1/room-bookings", .rooms,                  [401, 201, 201, 201, 201, 201]) { f, _ in
            let period = f.slot()
            return .send("/v1/room-bookings", [
                "room": "meeting", "layout": "meeting", "start": Days.iso(period.start), "end": Days.iso(period.end), "attendees": 5,
                "purpose": "Réunion de projet",
            ])
        },
        // Ana's request: the accountant follows every booking; Bruno is told it does not exist.
        row("GET /v1/room-bookings/{bookingId}", .rooms,       [401, 200, 404, 200, 200, 200]) { f, _ in
            .get("/v1/room-bookings/\(try await f.memberRoomBooking().id.text)")
        },
        row("POST /v1/room-bookings/{bookingId}/accept", .rooms, [401, 403, 403, 200, 403, 200]) { f, _ in
            .send("/v1/room-bookings/\(try await f.memberRoomBooking().id.text)/accept", ["reason": "ok"])
        },
        row("POST /v1/room-bookings/{bookingId}/refuse", .rooms, [401, 403, 403, 200, 403, 200]) { f, _ in
            .send("/v1/room-bookings/\(try await f.memberRoomBooking().id.text)/refuse", ["reason": "salle déjà prise"])
        },
        // As for sessions: Bruno does not know of it (404); the accountant sees it but may not cancel it (403).
        row("POST /v1/room-bookings/{bookingId}/cancel", .rooms, [401, 200, 404, 200, 403, 200]) { f, _ in
            .send("/v1/room-bookings/\(try await f.memberRoomBooking().id.text)/cancel", ["reason": "annulé"])
        },
        row("GET /v1/agreements/{agreementId}/allowances", .rooms, [401, 200, 403, 200, 200, 200], contact: true) { _, _ in
            .get("/v1/agreements/\(TestLab.agreement.text)/allowances?year=2026")
        },

        // MARK: Billing
        // The university has its SIRET, so its drafts can be issued.
        //                                                     anon member other manager accountant admin
        row("GET /v1/billable-items", .billing,                [401, 403, 403, 200, 200, 200]) { _, _ in .get("/v1/billable-items") },
        row("POST /v1/billable-items", .billing,               [401, 403, 403, 201, 201, 201]) { _, _ in
            .send("/v1/billable-items", ["customerId": TestLab.university.text, "tariffCode": "filament-pla", "quantity": 1, "serviceDate": "2026-10-01"])
        },
        row("GET /v1/tariffs", .billing,                       [401, 200, 200, 200, 200, 200]) { _, _ in .get("/v1/tariffs") },
        row("POST /v1/tariffs", .billing,                      [401, 403, 403, 403, 201, 201]) { _, who in
            .send("/v1/tariffs", ["effectiveFrom": "2030-0\(who.rawValue + 1)-01", "label": "Grille \(who.slug)", "table": Fixture.tariffTable])
        },
        row("GET /v1/tariffs/versions", .billing,              [401, 200, 200, 200, 200, 200]) { _, _ in .get("/v1/tariffs/versions") },
        row("GET /v1/billing/settings", .billing,              [401, 403, 403, 200, 200, 200]) { _, _ in .get("/v1/billing/settings") },
        row("PATCH /v1/billing/settings", .billing,            [401, 403, 403, 403, 200, 200]) { _, _ in
            .send("/v1/billing/settings", ["paymentTermsDays": 30])
        },
        row("GET /v1/invoices", .billing,                      [401, 403, 403, 200, 200, 200]) { _, _ in .get("/v1/invoices") },
        // Each caller drafts the items of a day of their own.
        row("POST /v1/invoices/drafts", .billing,              [401, 403, 403, 403, 201, 201]) { f, _ in
            let day = try await f.dayWithAnOpenItem()
            return .send("/v1/invoices/drafts", ["customerId": TestLab.university.text, "from": day, "to": day])
        },
        row("GET /v1/invoices/{invoiceId}", .billing,          [401, 403, 403, 200, 200, 200]) { f, _ in
            .get("/v1/invoices/\(try await f.draft().id.text)")
        },
        row("POST /v1/invoices/{invoiceId}/issue", .billing,   [401, 403, 403, 403, 200, 200]) { f, _ in
            .post("/v1/invoices/\(try await f.draft().id.text)/issue")
        },
        row("POST /v1/invoices/{invoiceId}/discard", .billing, [401, 403, 403, 403, 200, 200]) { f, _ in
            .post("/v1/invoices/\(try await f.draft().id.text)/discard")
        },
        row("POST /v1/invoices/{invoiceId}/credit-notes", .billing, [401, 403, 403, 403, 201, 201]) { f, _ in
            .send("/v1/invoices/\(try await f.issuedInvoice().id.text)/credit-notes", ["reason": "erreur de quantité"])
        },
        row("GET /v1/invoices/{invoiceId}/html", .billing,     [401, 403, 403, 200, 200, 200]) { f, _ in
            .get("/v1/invoices/\(try await f.issuedInvoice().id.text)/html")
        },
        row("GET /v1/invoices/{invoiceId}/ubl", .billing,      [401, 403, 403, 200, 200, 200]) { f, _ in
            .get("/v1/invoices/\(try await f.issuedInvoice().id.text)/ubl")
        },
        row("GET /v1/invoices/{invoiceId}/pdf", .billing,      [401, 403, 403, 200, 200, 200]) { f, _ in
            .get("/v1/invoices/\(try await f.issuedInvoice().id.text)/pdf")
        },
        row("GET /v1/invoices/{invoiceId}/cii", .billing,      [401, 403, 403, 200, 200, 200]) { f, _ in
            .get("/v1/invoices/\(try await f.issuedInvoice().id.text)/cii")
        },
        row("GET /v1/audit/invoice-chain", .billing,           [401, 403, 403, 200, 200, 200]) { _, _ in .get("/v1/audit/invoice-chain") },
        row("GET /v1/exports/register", .billing,              [401, 403, 403, 403, 200, 200]) { _, _ in
            .get("/v1/exports/register?from=2026-01-01&to=2026-12-31")
        },
        row("GET /v1/exports/fec", .billing,                   [401, 403, 403, 403, 200, 200]) { _, _ in
            .get("/v1/exports/fec?from=2026-01-01&to=2026-12-31")
        },
    ]

    // MARK: - Tests

    /// The matrix and the contract agree: one row per operation of the OpenAPI document, no more.
    @Test func everyOperationHasOneRow() throws {
        let document = ProjectFolders.root.appendingPathComponent("Sources/MuseoLabHTTP/Resources/openapi.yaml")
        let operations = Self.operations(inOpenAPI: try String(contentsOf: document, encoding: .utf8))
        #expect(operations.count > 90, "the scanner found \(operations.count) operations in \(document.path)")
        let rows = Self.matrix.map(\.operation)
        for operation in operations.sorted() where !rows.contains(operation) {
            Issue.record("\(operation) is in the OpenAPI document but has no row in the authorisation matrix: say who may call it")
        }
        for operation in rows where !operations.contains(operation) {
            Issue.record("the authorisation matrix has a row for \(operation), which the OpenAPI document does not declare")
        }
        for operation in Set(rows) where rows.filter({ $0 == operation }).count > 1 {
            Issue.record("\(operation) has more than one row in the authorisation matrix")
        }
        for row in Self.matrix where row.expected.count != Who.allCases.count {
            Issue.record("\(row.operation): \(row.expected.count) statuses for \(Who.allCases.count) identities")
        }
    }

    /// Every cell of one area's rows.
    @Test(arguments: Area.allCases) func cells(_ area: Area) async {
        let rows = Self.matrix.filter { $0.area == area }
        #expect(!rows.isEmpty, "no row in \(area)")
        // A few rows at once: each has its own database and server.
        await withTaskGroup(of: Void.self) { group in
            var started = 0
            for row in rows {
                if started >= Self.rowsAtOnce { await group.next() }
                group.addTask { await Self.check(row) }
                started += 1
            }
        }
    }

    /// Rows of one area run at the same time.
    static let rowsAtOnce = 3

    /// Runs one row: a fresh seeded database and server, then each identity's call in turn.
    static func check(_ row: Row) async {
        do {
            try await TestLab.with { t in
                try await t.managerAvailableOnWeekdays()
                if row.contact {
                    _ = try await t.lab.users.update(t.people.member.user.id, UserChanges(organisationContact: true), by: t.people.admin.actor)
                }
                if row.area == .billing { try await t.prepareUniversityForChorus() }
                try await quietServer(row.clock.map { t.at($0) } ?? t.lab) { server in
                    await run(row, Fixture(t, HTTPClient(server)))
                }
            }
        } catch {
            Issue.record("\(row.operation): could not run the row: \(error)")
        }
    }

    /// `TestServer.with`, with a logger that keeps the hundred-odd server shutdowns of the matrix quiet.
    static func quietServer(_ lab: MuseoLab, _ body: @Sendable (TestServer) async throws -> Void) async throws {
        var logger = Logger(label: "museolab.tests.matrix")
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = try buildApplication(
            lab: lab, settings: ServerSettings(host: "127.0.0.1", port: 0), logger: logger,
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // A server that ends before it listens ends the wait for its port too.
                defer { continuation.finish() }
                try await app.runService(gracefulShutdownSignals: [])
            }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else { throw CancellationError() }
            try await body(TestServer(port: port))
        }
    }

    /// Each identity's cell in turn; a cell that cannot be run is reported and the next one still runs.
    static func run(_ row: Row, _ fixture: Fixture) async {
        for who in Who.allCases {
            do {
                let call = try await row.call(fixture, who)
                #expect(Self.path(call.path, matches: row.template), "\(row.operation) as \(who): the call went to \(call.path)")
                let answer = try await fixture.http.send(
                    row.method, call.path, token: fixture.person(who)?.token, body: call.body,
                    headers: call.body == nil ? [:] : ["Content-Type": "application/json"])
                let expected = row.expected[who.rawValue]
                #expect(
                    answer.status == expected,
                    "\(row.operation) as \(who): expected \(expected), got \(answer.status): \(answer.text.prefix(600))")
                if answer.status == expected, expected >= 400 {
                    #expect(answer.isProblem(expected), "\(row.operation) as \(who): a \(expected) is problem+json: \(answer.text.prefix(600))")
                }
            } catch {
                Issue.record("\(row.operation) as \(who): could not run the cell: \(error)")
            }
        }
    }

    // MARK: - The OpenAPI document

    /// `METHOD /path` of each operation under `paths:` (path keys at two spaces, methods at four),
    /// read as `RouteTable` reads the document the router is built from.
    static func operations(inOpenAPI yaml: String) -> Set<String> {
        let methods: Set<String> = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"]
        var operations = Set<String>()
        var inPaths = false
        var path: String?
        for raw in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.hasPrefix("paths:") {
                inPaths = true
                continue
            }
            if inPaths, let first = line.first, !first.isWhitespace, first != "#" { inPaths = false }
            guard inPaths else { continue }
            if line.hasPrefix("  "), !line.hasPrefix("   "), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast()).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                let method = line.trimmingCharacters(in: .whitespaces).dropLast().uppercased()
                if methods.contains(method) { operations.insert("\(method) \(path)") }
            }
        }
        return operations
    }

    /// Whether a request path (query aside) has the shape of a template (`{…}` is any segment).
    static func path(_ path: String, matches template: String) -> Bool {
        let segments = path.split(separator: "?", maxSplits: 1)[0].split(separator: "/")
        let templateSegments = template.split(separator: "/")
        return segments.count == templateSegments.count
            && zip(templateSegments, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
    }
}

// MARK: - Rows, identities, calls

extension AuthorisationMatrixTests {
    enum Area: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case service, people, inventory, scheduling, quota, rooms, billing
        var testDescription: String { rawValue }
    }

    /// The identities of the matrix's columns, in order.
    enum Who: Int, CaseIterable, Sendable, CustomStringConvertible {
        case anonymous, member, otherMember, manager, accountant, admin

        var description: String {
            switch self {
            case .anonymous: "anonymous (no token)"
            case .member: "member (ana@univ-artois.fr)"
            case .otherMember: "another member (bruno@univ-artois.fr)"
            case .manager: "manager"
            case .accountant: "accountant"
            case .admin: "admin"
            }
        }

        var slug: String {
            switch self {
            case .anonymous: "anonymous"
            case .member: "member"
            case .otherMember: "other-member"
            case .manager: "manager"
            case .accountant: "accountant"
            case .admin: "admin"
            }
        }
    }

    /// One request: a path (with its query) and a JSON body, if any.
    struct Call: Sendable {
        let path: String
        let body: Data?

        static func get(_ path: String) -> Call { Call(path: path, body: nil) }
        /// A request without a body.
        static func post(_ path: String) -> Call { Call(path: path, body: nil) }
        /// A request with a JSON body (the row says the method).
        static func send(_ path: String, _ json: [String: Any]) -> Call {
            Call(path: path, body: try! JSONSerialization.data(withJSONObject: json))
        }
    }

    struct Row: Sendable {
        /// `METHOD /template`, as the OpenAPI document spells it.
        let operation: String
        let area: Area
        /// The status each identity gets, in the order of `Who.allCases`.
        let expected: [Int]
        /// Ana is the university's contact person in this row's database.
        let contact: Bool
        /// The server's clock for this row, when it must be later than today.
        let clock: Date?
        /// Makes what the identity's call needs, and says the call.
        let call: @Sendable (Fixture, Who) async throws -> Call

        var method: String { String(operation.split(separator: " ")[0]) }
        var template: String { String(operation.split(separator: " ")[1]) }
    }

    static func row(
        _ operation: String, _ area: Area, _ expected: [Int], contact: Bool = false, clock: Date? = nil,
        _ call: @escaping @Sendable (Fixture, Who) async throws -> Call
    ) -> Row {
        Row(operation: operation, area: area, expected: expected, contact: contact, clock: clock, call: call)
    }
}

// MARK: - Targets

extension AuthorisationMatrixTests {
    /// One row's database and server, and fresh targets for its cells.
    final class Fixture: @unchecked Sendable {
        let t: TestLab
        let http: HTTPClient
        private let lock = NSLock()
        private var counter = 0
        private var slots = 0
        private var series = 0
        private var queues: [String: [String]] = [:]

        init(_ t: TestLab, _ http: HTTPClient) {
            self.t = t
            self.http = http
        }

        var lab: MuseoLab { t.lab }
        var people: TestLab.People { t.people }

        func person(_ who: Who) -> TestLab.Person? {
            switch who {
            case .anonymous: nil
            case .member: people.member
            case .otherMember: people.otherMember
            case .manager: people.manager
            case .accountant: people.accountant
            case .admin: people.admin
            }
        }

        /// A number not given before in this row.
        func next() -> Int {
            lock.withLock {
                counter += 1
                return counter
            }
        }

        // MARK: Time

        /// The first day of the slots: a Tuesday at least two weeks ahead, not a public holiday.
        static let firstDay = Days.next(.tuesday, weeksAhead: 2)
        static let slotsPerDay = 9

        /// An hour never given before in this row (09:00–10:00 … 17:00–18:00 on weekdays from
        /// `firstDay`), so sessions, bookings and maintenance windows never collide.
        func slot() -> Period {
            let index = lock.withLock {
                slots += 1
                return slots - 1
            }
            var day = Self.firstDay
            var days = index / Self.slotsPerDay
            while days > 0 {
                day = day.adding(days: 1)
                if day.weekday.rawValue <= 5, FrenchPublicHolidays.name(of: day) == nil { days -= 1 }
            }
            let hour = 9 + index % Self.slotsPerDay
            return Days.period(day, String(format: "%02d:00", hour), String(format: "%02d:00", hour + 1))
        }

        /// The next morning: every session of the first day's slots is over (a row uses at most six).
        static let dayAfterFirstSlots = Days.at(firstDay.adding(days: 1), "08:00")

        /// `from=…&to=…`: the first day of the slots.
        static let window =
            "from=\(Days.iso(Days.at(firstDay, "00:00")).urlEncoded)&to=\(Days.iso(Days.at(firstDay.adding(days: 1), "00:00")).urlEncoded)"

        /// Monday to Friday, 09:00–18:00: the seeded opening hours and the manager's pattern.
        static var weekdays: [[String: Any]] { (1...5).map { ["weekday": $0, "start": "09:00", "end": "18:00"] } }

        // MARK: Inventory

        func printer() async throws -> UUID { try await t.machine("12548").id }
        func laser() async throws -> UUID { try await t.machine("13995").id }

        // MARK: People

        func freshUser() async throws -> User {
            try await lab.users.add(
                NewUser(email: "someone\(next())@univ-artois.fr", displayName: "Someone", organisationId: TestLab.university, role: .member),
                by: people.admin.actor)
        }

        /// A notification of Ana's.
        func memberNotification() async throws -> UUID {
            let userId = people.member.user.id
            return try await lab.database.write(as: people.admin.actor, action: "tests.notification") { session in
                try await session.first(
                    """
                    INSERT INTO notifications (user_id, kind, subject, body) VALUES (\(userId), 'tests', 'Bonjour', 'Une notification')
                    RETURNING id
                    """)!.decode(UUID.self)
            }
        }

        // MARK: Sessions and rooms

        /// A session Ana requested, supervised by the manager.
        /// The first occurrence of a two-week series of its own, months past every `slot()`.
        func seriesStart() -> Period {
            let index = lock.withLock {
                series += 1
                return series - 1
            }
            let day = Days.next(.tuesday, weeksAhead: 30 + 2 * (index / 8))
            let hour = 9 + index % 8
            return Days.period(day, String(format: "%02d:00", hour), String(format: "%02d:00", hour + 1))
        }

        func memberSeries() async throws -> SessionSeries.Series {
            try await lab.sessionSeries.request(
                SessionSeries.Request(first: SessionRequest(purpose: "Cours", period: seriesStart()), count: 2), by: people.member.actor)
        }

        func memberSession() async throws -> SupportSession {
            try await lab.sessions.request(SessionRequest(purpose: "Prototype", period: slot()), by: people.member.actor)
        }

        func confirmedMemberSession() async throws -> SupportSession {
            try await lab.sessions.confirm(try await memberSession().id, by: people.manager.actor)
        }

        /// A pending room request of Ana's.
        func memberRoomBooking() async throws -> RoomBooking {
            try await lab.roomBookings.request(
                RoomBookingRequest(room: "meeting", layout: "meeting", period: slot(), attendees: 5, purpose: "Réunion de projet"),
                by: people.member.actor)
        }

        // MARK: Quota

        /// An unacknowledged alert: the agreement's years are filled past their quota two at a
        /// time (75 %, 90 %, 100 % and projected alerts each).
        func freshAlert() async throws -> String {
            try await take("alert") { [self] in
                var ids: [String] = []
                for year in [2027, 2028] {
                    _ = try await lab.quota.adjust(TestLab.agreement, year: year, minutes: 24_001, reason: "relevé", by: people.manager.actor)
                    ids += try await lab.alerts.list(agreementId: TestLab.agreement, year: year, by: people.manager.actor).map(\.id.text)
                }
                return ids
            }
        }

        /// A pending overage item: the 2026 quota is used up, then each minute beyond it is one more item.
        func pendingOverageItem() async throws -> String {
            try await take("overage") { [self] in
                _ = try await lab.quota.adjust(TestLab.agreement, year: 2026, minutes: 24_001, reason: "relevé", by: people.manager.actor)
                for _ in 0..<5 {
                    _ = try await lab.quota.adjust(TestLab.agreement, year: 2026, minutes: 1, reason: "relevé", by: people.manager.actor)
                }
                return try await lab.overage.list(agreementId: TestLab.agreement, year: 2026, status: .pending, by: people.manager.actor)
                    .map(\.id.text)
            }
        }

        // MARK: Billing

        /// A day of October 2026 with one open item of the university's, and no other.
        func dayWithAnOpenItem() async throws -> String {
            let day = CalendarDate("2026-10-01")!.adding(days: next()).description
            try await t.consumable(on: day)
            return day
        }

        func draft() async throws -> Invoice {
            let day = CalendarDate(try await dayWithAnOpenItem())!
            return try await lab.invoices.draft(
                customerId: TestLab.university, from: day, to: day, serviceCode: nil, commitmentNumber: "EJ-2026-0042", by: people.accountant.actor)
        }

        func issuedInvoice() async throws -> Invoice {
            try await lab.invoices.issue(try await draft().id, by: people.accountant.actor)
        }

        /// A grid of one consumable, in the format of `sql/seed/tariffs-2026.tsv`.
        static let tariffTable = "code\tlabel\tunit\tapplies_to\troom\tmachine_category\tvat\tfounder_member\nbadge\tBadge\tunit\tconsumable\t\t\t20%\t2,00\n"

        /// The next of a batch of targets made together.
        private func take(_ key: String, refill: @Sendable () async throws -> [String]) async throws -> String {
            if let next = lock.withLock({ queues[key]?.isEmpty == false ? queues[key]!.removeFirst() : nil }) { return next }
            var batch = try await refill()
            guard !batch.isEmpty else { throw Problem.notFound("a fresh \(key)") }
            let first = batch.removeFirst()
            lock.withLock { queues[key, default: []] += batch }
            return first
        }
    }
}
