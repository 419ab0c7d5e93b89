import Foundation
import MuseoLab
import MuseoLabAPI
@testable import MuseoLabHTTP
import Testing

/// Every domain enum the API bridges has exactly the OpenAPI document's cases, both ways, so
/// `bridged()` can never throw on a value the domain produces or the API accepts. A case added
/// on one side only fails here, naming the pair and the cases it lacks.
@Suite struct EnumBridgeTests {
    typealias Schemas = Components.Schemas

    /// (domain type, API type, the two sets of raw values).
    struct Pair: CustomTestStringConvertible {
        var name: String
        var domain: Set<String>
        var api: Set<String>
        var testDescription: String { name }

        init<D: CaseIterable & RawRepresentable, A: CaseIterable & RawRepresentable>(_ d: D.Type, _ a: A.Type)
        where D.RawValue == String, A.RawValue == String {
            name = "\(String(reflecting: D.self)) ↔ \(String(reflecting: A.self))"
            domain = Set(D.allCases.map(\.rawValue))
            api = Set(A.allCases.map(\.rawValue))
        }
    }

    static let pairs: [Pair] = [
        Pair(Role.self, Schemas.Role.self),
        Pair(MachineStatus.self, Schemas.MachineStatus.self),
        Pair(OrganisationComponent.Kind.self, Schemas.ComponentKind.self),
        Pair(SessionStatus.self, Schemas.SessionStatus.self),
        Pair(WaitingRequest.Status.self, Schemas.WaitingRequest.StatusPayload.self),
        Pair(TrainingRequest.Status.self, Schemas.TrainingRequest.StatusPayload.self),
        Pair(Closure.Kind.self, Schemas.Closure.KindPayload.self),
        Pair(QuotaForecast.Method.self, Schemas.QuotaForecast.MethodPayload.self),
        Pair(QuotaAlert.Kind.self, Schemas.QuotaAlert.KindPayload.self),
        Pair(QuotaLedgerEntry.Kind.self, Schemas.LedgerEntry.KindPayload.self),
        Pair(AlertRecipient.Channel.self, Schemas.AlertRecipient.ChannelPayload.self),
        Pair(AlertRecipient.Channel.self, Schemas.NewAlertRecipient.ChannelPayload.self),
        Pair(OverageItem.Status.self, Schemas.OverageItem.StatusPayload.self),
        Pair(OverageItem.Status.self, Operations.ListOverage.Input.Query.StatusPayload.self),
        Pair(RoomBooking.Status.self, Schemas.RoomBooking.StatusPayload.self),
        Pair(RoomBooking.Status.self, Schemas.RoomBookingEvent.FromPayload.self),
        Pair(RoomBooking.Status.self, Schemas.RoomBookingEvent.ToPayload.self),
        Pair(RoomBooking.Status.self, Operations.ListRoomBookings.Input.Query.StatusPayload.self),
        Pair(RoomBooking.Charge.self, Schemas.RoomBooking.ChargePayload.self),
        Pair(BillableItem.Kind.self, Schemas.BillableItem.KindPayload.self),
        Pair(BillableItem.Status.self, Schemas.BillableItem.StatusPayload.self),
        Pair(BillableItem.Status.self, Operations.ListBillableItems.Input.Query.StatusPayload.self),
        Pair(TariffItem.Unit.self, Schemas.TariffItem.UnitPayload.self),
        Pair(TariffItem.Unit.self, Schemas.InvoiceLine.UnitPayload.self),
        Pair(TariffItem.Scope.self, Schemas.TariffItem.AppliesToPayload.self),
        Pair(Invoice.Kind.self, Schemas.Invoice.KindPayload.self),
        Pair(Invoice.Kind.self, Operations.ListInvoices.Input.Query.KindPayload.self),
        Pair(Invoice.Status.self, Schemas.Invoice.StatusPayload.self),
        Pair(Invoice.Status.self, Operations.ListInvoices.Input.Query.StatusPayload.self),
        Pair(UsageGrouping.self, Operations.GetQuotaReport.Input.Query.ByPayload.self),
    ]

    @Test(arguments: pairs) func casesAgree(_ pair: Pair) {
        #expect(pair.domain.subtracting(pair.api).isEmpty, "\(pair.name): the API lacks \(pair.domain.subtracting(pair.api).sorted())")
        #expect(pair.api.subtracting(pair.domain).isEmpty, "\(pair.name): the domain lacks \(pair.api.subtracting(pair.domain).sorted())")
    }

    /// The audit log's operation is a column with a CHECK, not a domain enum: the API's cases are
    /// those the migration allows.
    @Test func auditOperationsAreTheColumnsCheck() throws {
        let sql = try String(contentsOf: SQLFiles.locate().appendingPathComponent("migrations/0001_foundation.sql"), encoding: .utf8)
        let check = try #require(sql.firstMatch(of: /operation\s+text NOT NULL CHECK \(operation IN \(([^)]*)\)\)/))
        let allowed = Set(check.1.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " '")) })
        #expect(allowed == Set(Schemas.AuditEntry.OperationPayload.allCases.map(\.rawValue)))
    }

    /// A value without a counterpart is an error naming both sides, never a crash or a stand-in.
    @Test func aMismatchThrowsAndNamesBothSides() throws {
        #expect(try Role.member.bridged(Schemas.Role.self) == .member)
        #expect(try Schemas.Role.manager.bridged(Role.self) == .manager)
        let error = try #require(throws: EnumMismatch.self) { try Schemas.Role.bridging("superuser", from: "users.role") }
        #expect(error.description == "users.role .superuser has no case in Role")
    }
}
