import Foundation

/// Machines used without supervision by customers outside an agreement pay the machine hour:
/// a completed machine booking becomes a billable item per machine.
struct MachineUseBilling: DomainEventSubscriber {
    func handle(_ event: DomainEvent, _ context: EventContext) async throws {
        guard case .sessionMoved(let moved) = event else { return }
        let done = moved.after
        guard done.status == .completed, !done.supervised, done.agreementId == nil, let actual = done.actualPeriod else { return }
        for machine in done.machines {
            try await BillableItems.create(.init(
                kind: .machineUse, customer: done.organisationId, agreementId: nil, sessionId: done.id,
                serviceDate: ParisClock.date(of: actual.start),
                description: "\(machine.nature)\(machine.inventoryNumber.map { " (\($0))" } ?? ""), \(Sessions.describe(actual)) (\(done.reference))",
                minutes: actual.minutes, machineId: machine.id), context.session)
        }
    }
}
