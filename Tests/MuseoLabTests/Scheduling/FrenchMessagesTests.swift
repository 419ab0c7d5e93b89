import Foundation
import Testing
@testable import MuseoLab

/// Every message people receive about their sessions, trainings and waiting, checked for its
/// exact French: days and times written out on the clock of Paris, nothing glued from codes.
/// (Session and room booking notifications are checked in SessionTransitionTests and
/// RoomBookingRulesTests, the quota alerts in QuotaRulesTests.)
@Suite struct FrenchMessagesTests {
    /// Friday 15 January 2027, 09:00–11:00 in Paris.
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let morning = Period(start: start, end: start.addingTimeInterval(2 * 3600))

    @Test func daysTimesAndSlots() {
        #expect(FrenchWording.day(CalendarDate("2027-02-01")!) == "lundi 1er février 2027")
        #expect(FrenchWording.slot(Self.morning) == "vendredi 15 janvier 2027 de 9 h 00 à 11 h 00")
        let night = Period(start: Self.start.addingTimeInterval(13 * 3600), end: Self.start.addingTimeInterval(18 * 3600 + 30 * 60))
        #expect(FrenchWording.slot(night) == "vendredi 15 janvier 2027, 22 h 00, au samedi 16 janvier 2027, 3 h 30")
    }

    @Test func theReminderAndTheStaffDigest() {
        let due = ReminderStore.Due(
            id: UUID(), number: 42, revision: 1, period: Self.morning, purpose: "Prototype de socle", email: "ana@univ-artois.fr",
            staff: "Marc Lefebvre", machines: "Imprimante 3D (12548)", updatedAt: Self.start)
        let reminder = SessionReminders.reminder(due)
        #expect(reminder.subject == "Rappel : séance S-000042 le vendredi 15 janvier 2027 de 9 h 00 à 11 h 00")
        #expect(reminder.body == "Votre séance au MuséoLab a lieu le vendredi 15 janvier 2027 de 9 h 00 à 11 h 00 "
            + "(avec Marc Lefebvre ; machines : Imprimante 3D (12548)) : Prototype de socle.\n"
            + "L'événement est joint pour votre agenda. Un empêchement ? Annulez-la depuis « Mes réservations ».")
        var alone = due
        (alone.staff, alone.machines) = (nil, nil)
        #expect(SessionReminders.reminder(alone).body.hasPrefix("Votre séance au MuséoLab a lieu le vendredi 15 janvier 2027 de 9 h 00 à 11 h 00 : "))

        let digest = SessionReminders.digest(
            ReminderStore.DayOfStaff(staffId: UUID(), email: "marc@louvrelensvallee.fr", sessions: [
                .init(number: 42, status: "confirmed", start: Self.morning.start, end: Self.morning.end, requester: "Ana", purpose: "Prototype"),
                .init(number: 43, status: "requested", start: Self.start.addingTimeInterval(5 * 3600), end: Self.start.addingTimeInterval(6 * 3600),
                      requester: "Bruno", purpose: "Découpe"),
            ]),
            on: CalendarDate("2027-01-15")!)
        #expect(digest.subject == "Vos séances du vendredi 15 janvier 2027 : 2")
        #expect(digest.body == "Au programme du vendredi 15 janvier 2027 :\n"
            + "– 9 h 00 à 11 h 00 S-000042 : Ana, Prototype\n"
            + "– 14 h 00 à 15 h 00 S-000043 (à confirmer) : Bruno, Découpe")
    }

    @Test func trainingsAndAuthorisations() {
        let granted = TrainingGrants.grantedMessage(subject: "Découpeuse laser", day: CalendarDate("2027-01-15")!, expires: CalendarDate("2029-01-15"))
        #expect(granted.subject == "Formation validée : Découpeuse laser")
        #expect(granted.body == "Votre formation du vendredi 15 janvier 2027 est validée : vous êtes habilité(e) pour Découpeuse laser "
            + "jusqu'au lundi 15 janvier 2029. Vous pouvez maintenant réserver.")
        #expect(TrainingGrants.grantedMessage(subject: "les machines « laser »", day: CalendarDate("2027-01-15")!, expires: nil).body
            == "Votre formation du vendredi 15 janvier 2027 est validée : vous êtes habilité(e) pour les machines « laser ». Vous pouvez maintenant réserver.")
        let expiry = SessionReminders.expiryNotice(subject: "Découpeuse laser", expiresOn: CalendarDate("2027-03-01")!)
        #expect(expiry.subject == "Votre habilitation prend fin le lundi 1er mars 2027")
        #expect(expiry.body == "Votre habilitation pour Découpeuse laser prend fin le lundi 1er mars 2027. "
            + "Pour la prolonger, demandez une nouvelle formation depuis votre compte ou à l'équipe du MuséoLab.")
    }

    @Test func aFreedSlot() {
        let request = WaitingRequest(
            id: UUID(), number: 1, userId: UUID(), machineId: UUID(), staffId: nil, period: Self.morning, askedAt: Self.start,
            notifiedAt: nil, freedBySessionId: nil, withdrawnAt: nil)
        let machine = WaitingListNotifications.message(.init(request: request, email: "ana@univ-artois.fr", resource: "Imprimante 3D"), freed: Self.morning)
        #expect(machine.subject == "Un créneau s'est libéré : Imprimante 3D")
        #expect(machine.body == "Un créneau que vous attendiez s'est libéré pour Imprimante 3D, le vendredi 15 janvier 2027 de 9 h 00 à 11 h 00. "
            + "Il n'est pas retenu pour vous : réservez-le si vous le voulez encore.")
        var staff = request
        (staff.machineId, staff.staffId) = (nil, UUID())
        #expect(WaitingListNotifications.message(.init(request: staff, email: "ana@univ-artois.fr", resource: "Marc Lefebvre"), freed: Self.morning).body
            .hasPrefix("Un créneau que vous attendiez s'est libéré pour l'accompagnement de Marc Lefebvre, le vendredi"))
    }
}
