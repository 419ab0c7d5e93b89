import Foundation
import MuseoLab
import MuseoLabAPI

extension APIImplementation {
    func listMachines(_ input: Operations.ListMachines.Input) async throws -> Operations.ListMachines.Output {
        let filter = MachineFilter(
            status: input.query.status.map(MachineStatus.init), category: input.query.category, bookable: input.query.bookable)
        let machines = try await lab.inventory.list(filter, by: try actor)
        return .ok(.init(body: .json(.init(items: try machines.map(Components.Schemas.Machine.init)))))
    }

    func createMachine(_ input: Operations.CreateMachine.Input) async throws -> Operations.CreateMachine.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let machine = try await lab.inventory.add(
            NewMachine(
                nature: body.nature, model: body.model, serialNumber: body.serialNumber, inventoryNumber: body.inventoryNumber,
                ownerOrganisationId: body.ownerOrganisationId?.uuid,
                category: body.category, bookable: body.bookable ?? false,
                requiresAuthorisation: body.requiresAuthorisation ?? false, annexYear: body.annexYear,
                acquiredOn: try Identifier.date(body.acquiredOn, "acquiredOn"), notes: body.notes),
            by: try actor)
        return .created(.init(headers: .init(location: "/v1/machines/\(machine.id.text)"), body: .json(try .init(machine))))
    }

    func getMachine(_ input: Operations.GetMachine.Input) async throws -> Operations.GetMachine.Output {
        let machine = try await lab.inventory.get(input.path.machineId.uuid, by: try actor)
        return .ok(.init(body: .json(try .init(machine))))
    }

    func updateMachine(_ input: Operations.UpdateMachine.Input) async throws -> Operations.UpdateMachine.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let id = input.path.machineId.uuid
        let changes = MachineChanges(
            nature: body.nature, model: body.model, serialNumber: body.serialNumber, inventoryNumber: body.inventoryNumber,
            category: body.category, status: body.status.map(MachineStatus.init), bookable: body.bookable,
            requiresAuthorisation: body.requiresAuthorisation, acquiredOn: try Identifier.date(body.acquiredOn, "acquiredOn"),
            notes: body.notes)
        let machine = try await lab.inventory.update(id, changes, by: try actor)
        return .ok(.init(body: .json(try .init(machine))))
    }
}

extension MachineStatus {
    init(_ status: Components.Schemas.MachineStatus) {
        switch status {
        case .inService: self = .inService
        case .maintenance: self = .maintenance
        case .retired: self = .retired
        }
    }
}

extension Components.Schemas.Machine {
    init(_ machine: Machine) throws {
        self.init(
            id: machine.id.resourceId, nature: machine.nature, model: machine.model, serialNumber: machine.serialNumber,
            inventoryNumber: machine.inventoryNumber, ownerOrganisationId: machine.ownerOrganisationId.resourceId,
            ownerName: machine.ownerName, category: machine.category,
            status: try machine.status.bridged(Components.Schemas.MachineStatus.self), bookable: machine.bookable,
            requiresAuthorisation: machine.requiresAuthorisation, annexYear: machine.annexYear, unitIndex: machine.unitIndex,
            acquiredOn: machine.acquiredOn?.description, notes: machine.notes, createdAt: machine.createdAt,
            updatedAt: machine.updatedAt, retiredAt: machine.retiredAt)
    }
}
