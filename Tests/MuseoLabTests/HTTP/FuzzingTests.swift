import EmbeddedPostgres
import Foundation
import Testing
@testable import MuseoLab
import MuseoLabHTTP

/// The whole API fuzzed by schemathesis (pinned in Tests/tools/requirements.txt) from the
/// OpenAPI document the server itself serves: no answer is a 5xx, and every answer (status
/// code, content type, documented headers, body) is one the document declares.
@Suite struct FuzzingTests {
    /// Every request schemathesis makes is checked for these.
    static let checks = [
        "not_a_server_error", "status_code_conformance", "content_type_conformance",
        "response_schema_conformance", "response_headers_conformance",
    ]

    @Test(.timeLimit(.minutes(10))) func everyAnswerMatchesTheDocumentAndNoneIsAServerError() async throws {
        // Schemathesis also sends requests without a valid token (to check the 401s), all from
        // 127.0.0.1: with the production limit of 10 failures a minute, the throttle would answer
        // 429 to everything after the first seconds and nothing would reach the handlers.
        // (429 is documented on every /v1/ operation; the throttle has its own tests.)
        let settings = ServerSettings(host: "127.0.0.1", port: 0, authenticationFailureLimit: 1_000_000)
        try await TestLab.with { t in
            try await TestServer.with(t.lab, settings: settings) { server in
                let data = try await Self.giveRoutesSomethingToWorkOn(t, HTTPClient(server))

                let folder = FileManager.default.temporaryDirectory.appendingPathComponent("museolab-fuzzing-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: folder) }
                let configuration = folder.appendingPathComponent("schemathesis.toml")
                try Self.configuration(data).write(to: configuration, atomically: true, encoding: .utf8)

                let arguments = [
                    "--config-file", configuration.path,
                    "run", "\(server.base)/openapi.yaml",
                    "--header", "Authorization: Bearer \(t.people.admin.token)",
                    "--checks", Self.checks.joined(separator: ","),
                    // Bounded and reproducible: at most this many cases per operation and phase,
                    // always the same ones, no example database kept between runs. One worker: with two
                    // threads, CPython 3.11.7 sometimes fails in `ast` ("AST constructor recursion depth
                    // mismatch", CPython issue 106905) while hypothesis describes a strategy.
                    "--max-examples", "30", "--seed", "20260101", "--workers", "1",
                    "--generation-database", "none",
                    "--request-timeout", "30",
                    "--continue-on-failure", "--no-color",
                ]
                let run = try await Self.schemathesis(arguments, in: folder)
                #expect(run.succeeded, "schemathesis \(arguments.joined(separator: " ")) exited with \(run.status):\n\(run.output)")
                // The run's figures (operations, phases, cases generated) for the README.
                if run.succeeded, let summary = run.output.range(of: "SUMMARY") {
                    print("schemathesis" + run.output[summary.lowerBound...].split(separator: "\n").map { " " + $0 }.joined(separator: "\n"))
                }
            }
        }
    }

    /// Runs the schemathesis CLI of the `python3` on the PATH (the one deploy/test.sh installs
    /// the requirements for) in `folder`, where it keeps its cache, on a thread of its own: the
    /// wait blocks, and the server answering it runs on the cooperative pool.
    static func schemathesis(_ arguments: [String], in folder: URL) async throws -> ChildProcess.Result {
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONUTF8"] = "1"
        environment["NO_COLOR"] = "1"
        let launcher = """
            import sys
            try:
                from schemathesis.cli import schemathesis
            except ImportError:
                sys.exit("schemathesis is not installed: pip install -r Tests/tools/requirements.txt (deploy/test.sh does)")
            schemathesis(prog_name="schemathesis")
            """
        let command = ["-C", folder.path, "python3", "-c", launcher] + arguments
        let childEnvironment = environment
        return try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try ChildProcess.run("/usr/bin/env", command, environment: childEnvironment) })
            }.start()
        }
    }

    /// Real ids for the fuzzer, and the second administrator it may lock out.
    struct Fixtures {
        var values: [String: [String]] = [:]
        var victimUser = ""
        var victimToken = ""
    }

    /// Schemathesis' project configuration.
    ///
    /// Random UUIDs name nothing, so half of the ids schemathesis puts in paths, queries and
    /// bodies are taken from the data `giveRoutesSomethingToWorkOn` made: the handlers then
    /// answer with real resources, not only 404s.
    ///
    /// Its stateful phase follows the links it infers between operations, so it would find the
    /// caller's own id (`GET /v1/me`) and token ids (`GET /v1/users/{userId}/tokens`), then
    /// disable or demote the caller, or revoke the very token it sends: every later request would
    /// be a (documented, hence passing) 401, and the rest of the run would test nothing. The three
    /// operations that can do that always act on a second administrator and that administrator's
    /// token instead, which they may disable, demote and revoke at will.
    static func configuration(_ data: Fixtures) -> String {
        func list(_ values: [String]) -> String { "[" + values.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
        let bindings: [(key: String, dictionary: String)] = [
            ("path.machineId", "machines"), ("path.organisationId", "organisations"), ("path.userId", "users"),
            ("path.sessionId", "sessions"), ("path.closureId", "closures"), ("path.exceptionId", "exceptions"),
            ("path.maintenanceId", "maintenance"), ("path.authorisationId", "authorisations"), ("path.feedToken", "feeds"),
            ("path.agreementId", "agreements"), ("path.recipientId", "recipients"), ("path.roomId", "rooms"),
            ("path.layoutCode", "layouts"), ("path.bookingId", "bookings"), ("path.invoiceId", "invoices"),
            ("path.slug", "problems"), ("path.notificationId", "notifications"),
            ("query.machineId", "machines"), ("query.organisationId", "organisations"), ("query.customerId", "organisations"),
            ("query.userId", "users"), ("query.requesterId", "users"), ("query.staffId", "users"),
            ("query.agreementId", "agreements"), ("query.roomId", "rooms"), ("query.roomBookingId", "bookings"),
            ("body.machineIds[*]", "machines"), ("body.machineId", "machines"), ("body.userId", "users"),
            ("body.requesterId", "users"), ("body.staffId", "users"), ("body.customerId", "organisations"),
            ("body.room", "rooms"), ("body.layout", "layouts"),
        ]
        var text = "[parameters]\n"
        for binding in bindings where !(data.values[binding.dictionary] ?? []).isEmpty {
            text += "\"\(binding.key)\" = { dictionary = \"\(binding.dictionary)\", probability = 0.5 }\n"
        }
        for (name, values) in data.values.sorted(by: { $0.key < $1.key }) where !values.isEmpty {
            text += "\n[dictionaries.\(name)]\nvalues = \(list(values))\n"
        }
        for (operation, parameter, value) in [
            ("disableUser", "path.userId", data.victimUser), ("updateUser", "path.userId", data.victimUser),
            ("revokeToken", "path.tokenId", data.victimToken),
        ] {
            text += "\n[[operations]]\ninclude-operation-id = \"\(operation)\"\nparameters = { \"\(parameter)\" = \"\(value)\" }\n"
        }
        return text
    }

    /// Sessions (requested, confirmed), room bookings (pending, accepted), maintenance, an
    /// authorisation, a closure, an absence, an alert recipient, a calendar feed, an issued
    /// invoice and a draft, and the second administrator.
    static func giveRoutesSomethingToWorkOn(_ t: TestLab, _ http: HTTPClient) async throws -> Fixtures {
        var data = Fixtures()
        let manager = t.people.manager.token
        func id(_ answer: HTTPAnswer, _ what: String) throws -> String {
            #expect((200..<300).contains(answer.status), "\(what): \(answer.text)")
            return try #require(answer.json["id"] as? String, "\(what): \(answer.text)")
        }
        try await t.managerAvailableOnWeekdays()
        let tuesday = Days.next(.tuesday), wednesday = Days.next(.wednesday), thursday = Days.next(.thursday)
        let printer = try await t.machine("12548")

        data.values["machines"] = try await http.get("/v1/machines", token: manager).items.prefix(4).compactMap { $0["id"] as? String }
        data.values["organisations"] = [TestLab.university.text, TestLab.llv.text]
        data.values["agreements"] = [TestLab.agreement.text]
        data.values["users"] = [t.people.member.user.id.text, t.people.manager.user.id.text, t.people.accountant.user.id.text]
        let rooms = try await http.get("/v1/rooms", token: manager).items
        data.values["rooms"] = rooms.compactMap { $0["code"] as? String } + rooms.compactMap { $0["id"] as? String }.prefix(1)
        data.values["layouts"] = ["standard", "meeting"]
        data.values["problems"] = ["not-found", "invalid-field", "booking-conflict"]

        let requested = try id(try await SessionRulesTests.book(http, t.people.member, Days.period(tuesday, "10:00", "12:00"), machines: [printer]), "session")
        let confirmed = try id(try await SessionRulesTests.book(http, t.people.member, Days.period(thursday, "14:00", "15:00")), "session")
        _ = try id(try await http.send("POST", "/v1/sessions/\(confirmed)/confirm", token: manager), "confirmation")
        data.values["sessions"] = [requested, confirmed]

        let pending = try id(try await RoomBookingTests.request(http, t.people.member, room: "meeting", layout: "meeting", Days.period(tuesday, "14:00", "16:00"), attendees: 8), "room booking")
        let accepted = try id(try await RoomBookingTests.request(http, t.people.member, room: "atrium", layout: "standard", Days.period(wednesday, "09:00", "12:00")), "room booking")
        _ = try id(try await http.send("POST", "/v1/room-bookings/\(accepted)/accept", token: manager), "acceptance")
        data.values["bookings"] = [pending, accepted]

        data.values["maintenance"] = [try id(try await http.send("POST", "/v1/machines/\(printer.id.text)/maintenance", token: manager, json: [
            "start": Days.iso(Days.at(wednesday, "09:00")), "end": Days.iso(Days.at(wednesday, "11:00")), "reason": "calibration",
        ]), "maintenance")]
        data.values["authorisations"] = [try id(try await http.send("POST", "/v1/authorisations", token: manager, json: [
            "userId": t.people.member.user.id.text, "machineId": printer.id.text,
        ]), "authorisation")]
        let closed = Days.next(.friday, weeksAhead: 3).description
        data.values["closures"] = [try id(try await http.send("POST", "/v1/calendar/closures", token: manager, json: [
            "startsOn": closed, "endsOn": closed, "label": "Inventaire",
        ]), "closure")]
        let absent = Days.next(.monday, weeksAhead: 2)
        data.values["exceptions"] = [try id(try await http.send("POST", "/v1/staff/\(t.people.manager.user.id.text)/availability/exceptions", token: manager, json: [
            "start": Days.iso(Days.at(absent, "09:00")), "end": Days.iso(Days.at(absent, "10:00")), "available": false, "reason": "formation",
        ]), "absence")]
        data.values["recipients"] = [try id(try await http.send("POST", "/v1/agreements/\(TestLab.agreement.text)/alert-recipients", token: manager, json: [
            "channel": "email", "address": "alertes@univ-artois.fr",
        ]), "alert recipient")]
        let feed = try await http.send("POST", "/v1/me/calendar-feed", token: t.people.admin.token)
        let feedURL = try #require(feed.json["url"] as? String, "\(feed.text)")
        data.values["feeds"] = [String(feedURL.split(separator: "/").last!)]
        data.values["notifications"] = try await http.get("/v1/me/notifications", token: t.people.admin.token).items.compactMap { $0["id"] as? String }

        try await t.prepareUniversityForChorus()
        try await t.consumable(on: "2026-01-15")
        let issued = try await t.invoice(period: "2026-01", issuedOn: "2026-02-02")
        try await t.consumable(quantity: 3, on: "2026-02-10")
        let draft = try id(try await http.send("POST", "/v1/invoices/drafts", token: t.people.accountant.token, json: [
            "customerId": TestLab.university.text, "period": "2026-02",
        ]), "draft invoice")
        data.values["invoices"] = [issued.id.text, issued.number ?? issued.id.text, draft]

        let system = Actor.system("tests")
        let victim = try await t.lab.users.add(
            NewUser(email: "fuzzing-victim@tests.museolab", displayName: "Fuzzing victim", organisationId: TestLab.llv, role: .admin), by: system)
        data.victimUser = victim.id.text
        data.victimToken = try await t.lab.tokens.create(for: victim.id, label: "fuzzing victim", expiresAt: nil, by: system).token.id.text
        data.values["users", default: []].append(victim.id.text)
        return data
    }
}
