import ArgumentParser
import Foundation
import MuseoLab

struct RoomsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rooms",
        abstract: "Rooms (article 6): configuration, booking requests, acceptance, yearly free allowances.",
        subcommands: [List.self, Add.self, Layout.self, Availability.self, Book.self, Bookings.self, Show.self, Accept.self, Refuse.self,
                      Cancel.self, Allowances.self]
    )
}

extension RoomsCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The rooms with their layouts and capacities.")
        @OptionGroup var output: OutputOptions
        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let rooms = try await lab.rooms.list()
                if output.json { return try Printer.json(rooms) }
                for room in rooms {
                    Printer.line("\(room.code.padding(toLength: 10, withPad: " ", startingAt: 0)) \(room.name): " + room.layouts.map {
                        "\($0.code) (\($0.capacity.map { "\($0) people" } ?? "capacity not fixed"))"
                    }.joined(separator: ", "))
                }
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a room with layouts: CODE:LABEL[:CAPACITY].")
        @Option var code: String
        @Option var name: String
        @Option(name: .customLong("layout"), help: "e.g. meeting:Format réunion:16; repeat for several.") var layouts: [String]
        func run() async throws {
            let parsed = try layouts.map { text -> (code: String, label: String, capacity: Int?) in
                let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                guard (2...3).contains(parts.count) else { throw ValidationError("--layout takes CODE:LABEL[:CAPACITY], not \(text)") }
                guard parts.count == 2 || Int(parts[2]) != nil else { throw ValidationError("the capacity in \(text) is not a number") }
                return (parts[0], parts[1], parts.count == 3 ? Int(parts[2]) : nil)
            }
            try await CommandRunner.run { lab, _ in
                let room = try await lab.rooms.add(code: code, name: name, layouts: parsed, by: CommandRunner.actor)
                Printer.line("Room \(room.name) (\(room.code)) added.")
            }
        }
    }

    struct Layout: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add or change a room's layout and capacity.")
        @Argument var room: String
        @Argument var layout: String
        @Option var label: String
        @Option var capacity: Int?
        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let found = try await lab.rooms.find(room)
                _ = try await lab.rooms.setLayout(found.id, code: layout, label: label, capacity: capacity, by: CommandRunner.actor)
                Printer.line("\(found.name): \(layout) set.")
            }
        }
    }

    struct Availability: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "When a room is free (not taken by an accepted booking).")
        @Argument var room: String
        @Option var from: String
        @Option var to: String
        func run() async throws {
            let window = Period(start: try TimeArgument.parse(from, option: "--from"), end: try TimeArgument.parse(to, option: "--to"))
            try await CommandRunner.run { lab, _ in
                let found = try await lab.rooms.find(room)
                for period in try await lab.rooms.availability(found.id, within: window) {
                    Printer.line("\(ParisTime.format(period.start)) → \(ParisTime.format(period.end))")
                }
            }
        }
    }

    struct Book: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Request a room on someone's behalf.")
        @Option var user: String
        @Argument var room: String
        @Option var layout: String
        @Option var start: String
        @Option var end: String
        @Option var attendees: Int
        @Option var purpose: String
        @Option(help: "The organisation it is for (id or name); default: the user's.") var organisation: String?
        @OptionGroup var output: OutputOptions
        func run() async throws {
            let period = Period(start: try TimeArgument.parse(start, option: "--start"), end: try TimeArgument.parse(end, option: "--end"))
            try await CommandRunner.run { lab, _ in
                let actor = CommandRunner.actor
                let booking = try await lab.roomBookings.request(
                    RoomBookingRequest(
                        room: room, layout: layout, period: period, attendees: attendees, purpose: purpose,
                        requesterId: try await lab.users.find(user, by: actor).id,
                        organisationId: try await organisation.asyncMap { try await lab.organisations.find($0, by: actor).id }),
                    by: actor)
                if output.json { try Printer.json(booking) } else { RoomBookingPrinter.print(booking) }
            }
        }
    }

    struct Bookings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List room bookings.")
        @Option var status: RoomBooking.Status?
        @Option var room: String?
        @OptionGroup var output: OutputOptions
        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let roomId = try await room.asyncMap { try await lab.rooms.find($0).id }
                let bookings = try await lab.roomBookings.list(status: status, roomId: roomId, by: CommandRunner.actor)
                if output.json { return try Printer.json(bookings) }
                Printer.table(["BOOKING", "ROOM", "WHEN (PARIS)", "ATTENDEES", "STATUS", "CHARGE", "FOR"], bookings.map {
                    [$0.reference, "\($0.roomName) (\($0.layoutCode))", TimeArgument.describe($0.period), "\($0.attendees)", $0.status.rawValue,
                     $0.charge?.rawValue ?? "-", "\($0.requester.email) · \($0.organisationName)"]
                })
            }
        }
    }

    struct Show: AsyncParsableCommand {
        @Argument var booking: String
        @OptionGroup var output: OutputOptions
        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let found = try await lab.roomBookings.find(booking, by: CommandRunner.actor)
                if output.json { try Printer.json(found) } else { RoomBookingPrinter.print(found) }
            }
        }
    }

    struct Accept: AsyncParsableCommand {
        @Argument var booking: String
        @Option var reason: String?
        func run() async throws {
            try await RoomsCommand.decide(booking) { lab, id in try await lab.roomBookings.accept(id, reason: reason, by: CommandRunner.actor) }
        }
    }

    struct Refuse: AsyncParsableCommand {
        @Argument var booking: String
        @Option var reason: String
        func run() async throws {
            try await RoomsCommand.decide(booking) { lab, id in try await lab.roomBookings.refuse(id, reason: reason, by: CommandRunner.actor) }
        }
    }

    struct Cancel: AsyncParsableCommand {
        @Argument var booking: String
        @Option var reason: String
        func run() async throws {
            try await RoomsCommand.decide(booking) { lab, id in try await lab.roomBookings.cancel(id, reason: reason, by: CommandRunner.actor) }
        }
    }

    struct Allowances: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Each room's free allowance for a year, and the bookings using it.")
        @Option var year: Int = ParisClock.date(of: Date()).year
        @OptionGroup var which: AgreementOption
        @OptionGroup var output: OutputOptions
        func run() async throws {
            try await CommandRunner.run { lab, _ in
                let agreement = try await which.resolve(lab)
                let allowances = try await lab.roomBookings.allowances(agreement.id, year: year, by: CommandRunner.actor)
                if output.json { return try Printer.json(allowances) }
                Printer.table(["ROOM", "FREE A YEAR", "USED", "REMAINING", "FREE BOOKINGS", "BILLABLE"], allowances.map {
                    [$0.roomName, "\($0.allowance)", "\($0.used)", "\($0.remaining)", $0.freeBookings.joined(separator: ", "), $0.billableBookings.joined(separator: ", ")]
                })
            }
        }
    }

    static func decide(_ reference: String, _ move: @escaping @Sendable (MuseoLab, UUID) async throws -> RoomBooking) async throws {
        try await CommandRunner.run { lab, _ in
            let booking = try await lab.roomBookings.find(reference, by: CommandRunner.actor)
            RoomBookingPrinter.print(try await move(lab, booking.id))
        }
    }
}

enum RoomBookingPrinter {
    static func print(_ booking: RoomBooking) {
        Printer.line("\(booking.reference) · \(booking.roomName) (\(booking.layoutCode), \(booking.attendees) attendees) · \(TimeArgument.describe(booking.period))")
        Printer.line("status \(booking.status.rawValue)\(booking.charge.map { " · \($0.rawValue)" } ?? "")\(booking.chargeReason.map { ": \($0)" } ?? "")")
        Printer.line("for \(booking.requester.displayName) <\(booking.requester.email)> · \(booking.organisationName) · \(booking.purpose)")
        for event in booking.events {
            Printer.line("  \(Printer.date(event.occurredAt))  \(event.from?.rawValue ?? "·") → \(event.to.rawValue)  \(event.actor)\(event.reason.map { "  «\($0)»" } ?? "")")
        }
    }
}

extension RoomBooking.Status: ExpressibleByArgument {}
