import Foundation
import Testing
@testable import MuseoLab

/// Bad input gets a clear problem+json answer that names what is wrong, never a 500,
/// and never a half-written change.
@Suite struct BadInputTests {
    @Test func malformedJSONIs400() async throws {
        try await TestLab.withServer { t, server in
            let answer = try await HTTPClient(server).send(
                "POST", "/v1/machines", token: t.people.manager.token, body: Data(#"{"nature": "#.utf8),
                headers: ["Content-Type": "application/json"])
            #expect(answer.isProblem(400, type: "malformed-request"))
            let notAnObject = try await HTTPClient(server).send("POST", "/v1/machines", token: t.people.manager.token, json: ["a", "b"])
            #expect(notAnObject.isProblem(400))
        }
    }

    @Test func wrongTypesNameTheField() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            let answer = try await http.send("POST", "/v1/machines", token: t.people.manager.token, json: ["nature": "Perceuse", "bookable": "yes"])
            #expect(answer.isProblem(422, type: "invalid-field"))
            #expect(answer.json["field"] as? String == "bookable")
            let status = try await http.send("POST", "/v1/machines", token: t.people.manager.token, json: ["nature": "Perceuse", "annexYear": "2027"])
            #expect(status.json["field"] as? String == "annexYear")
            let missing = try await http.send("POST", "/v1/machines", token: t.people.manager.token, json: ["model": "X"])
            #expect(missing.isProblem(422))
            #expect(missing.json["field"] as? String == "nature")
            let badEnum = try await http.send(
                "PATCH", "/v1/machines/\(try await Self.laser(t).id.text)", token: t.people.manager.token, json: ["status": "broken"])
            #expect(badEnum.isProblem(422))
            #expect(badEnum.json["field"] as? String == "status")
        }
    }

    @Test func unknownFieldsAreRefused() async throws {
        try await TestLab.withServer { t, server in
            let answer = try await HTTPClient(server).send(
                "POST", "/v1/machines", token: t.people.manager.token, json: ["nature": "Perceuse", "colour": "red"])
            #expect(answer.isProblem(422, type: "unknown-field"))
            #expect(answer.json["field"] as? String == "colour")
            #expect(try await t.count("SELECT count(*) FROM machines WHERE nature = 'Perceuse'") == 0)
        }
    }

    @Test func badQueryParametersNameTheParameter() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            let bookable = try await http.get("/v1/machines?bookable=maybe", token: t.people.member.token)
            #expect(bookable.isProblem(400))
            #expect(bookable.json["field"] as? String == "bookable")
            let status = try await http.get("/v1/machines?status=broken", token: t.people.member.token)
            #expect(status.isProblem(400))
            #expect(status.json["field"] as? String == "status")
            let limit = try await http.get("/v1/audit?limit=lots", token: t.people.admin.token)
            #expect(limit.json["field"] as? String == "limit")
            let outOfRange = try await http.get("/v1/audit?limit=0", token: t.people.admin.token)
            #expect(outOfRange.isProblem(422))
            #expect(outOfRange.json["field"] as? String == "limit")
            let badCategory = try await http.get("/v1/machines?category=Laser%20Cutter", token: t.people.member.token)
            #expect(badCategory.isProblem(422))
            #expect(badCategory.json["field"] as? String == "category")
            // A date-time that is not one names its field, whatever the field.
            let notADateTime = try await http.send(
                "POST", "/v1/sessions", token: t.people.member.token,
                json: ["purpose": "x", "start": "mardi 10h", "end": "2030-01-01T10:00:00Z"])
            #expect(notADateTime.isProblem(422))
            #expect(notADateTime.json["field"] as? String == "start")
            // Found by the fuzzer: a NUL character in a filter reached PostgreSQL, which cannot store it.
            let nul = try await http.get("/v1/audit?entityId=F%00x", token: t.people.admin.token)
            #expect(nul.isProblem(422))
            #expect(nul.json["field"] as? String == "entityId")
            let nulSearch = try await http.get("/v1/machines?category=a%00b", token: t.people.member.token)
            #expect(nulSearch.isProblem(422))
        }
    }

    @Test func numbersThatAreNotIntegersNameTheirField() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            for number in ["1e400", "99999999999999999999999999", "1.5", "-1e3"] {
                let body = #"{"purpose": "Atelier", "start": "2030-01-07T10:00:00Z", "end": "2030-01-07T11:00:00Z", "participants": \#(number)}"#
                let answer = try await http.send(
                    "POST", "/v1/sessions", token: t.people.member.token, body: Data(body.utf8), headers: ["Content-Type": "application/json"])
                #expect(answer.isProblem(422, type: "invalid-field"), "\(number): \(answer.text)")
                #expect(answer.json["field"] as? String == "participants", "\(number): \(answer.text)")
            }
            // Nested, in an array: the path says where.
            let nested = try await http.send(
                "PUT", "/v1/calendar/opening-hours", token: t.people.manager.token,
                body: Data(#"{"intervals": [{"weekday": 2, "start": "09:00", "end": "12:00"}, {"weekday": 2.5, "start": "13:00", "end": "17:00"}]}"#.utf8),
                headers: ["Content-Type": "application/json"])
            #expect(nested.isProblem(422), "\(nested.text)")
            #expect(nested.json["field"] as? String == "intervals[1].weekday", "\(nested.text)")
            // Still not JSON: still 400.
            let broken = try await http.send(
                "POST", "/v1/sessions", token: t.people.member.token, body: Data(#"{"participants": 1.5"#.utf8),
                headers: ["Content-Type": "application/json"])
            #expect(broken.isProblem(400, type: "malformed-request"))
        }
    }

    @Test func badDatesInTheQueryNameTheirParameter() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            let notADay = try await http.get("/v1/sessions?from=2027-02-30T00:00:00Z", token: t.people.manager.token)
            #expect(notADay.isProblem(422, type: "invalid-field"), "\(notADay.text)")
            #expect(notADay.json["field"] as? String == "from")
            let notADate = try await http.get("/v1/sessions?from=2027-01-01T00:00:00Z&to=lundi", token: t.people.manager.token)
            #expect(notADate.json["field"] as? String == "to", "\(notADate.text)")
            // A real date outside the years the service handles says so.
            let ancient = try await http.get("/v1/tariffs?at=1789-07-14", token: t.people.member.token)
            #expect(ancient.isProblem(422))
            #expect(ancient.json["field"] as? String == "at")
            #expect((ancient.json["detail"] as? String)?.contains("outside the dates this service handles") == true, "\(ancient.text)")
            let impossible = try await http.get("/v1/tariffs?at=2027-02-30", token: t.people.member.token)
            #expect((impossible.json["detail"] as? String)?.contains("is not a date") == true, "\(impossible.text)")
        }
    }

    @Test func aMissingRequiredQueryParameterIsNamed() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            for query in ["?from=2026-01-01", "?from=2026-01-01&to=", "?to=2026-12-31&from="] {
                let answer = try await http.get("/v1/exports/fec\(query)", token: t.people.accountant.token)
                #expect(answer.isProblem(422), "\(query): \(answer.text)")
                #expect(answer.json["field"] as? String == (query.hasPrefix("?to") ? "from" : "to"), "\(query): \(answer.text)")
            }
            let none = try await http.get("/v1/exports/fec", token: t.people.accountant.token)
            #expect(none.isProblem(422) && none.json["field"] as? String == "from", "\(none.text)")
        }
    }

    @Test func aLiteralPathIsNotTakenForATemplatedOne() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            // /v1/invoices/drafts is POST only; /v1/invoices/{invoiceId} (GET) does not answer for it.
            for method in ["OPTIONS", "GET", "DELETE"] {
                let answer = try await http.send(method, "/v1/invoices/drafts", token: t.people.accountant.token)
                #expect(answer.isProblem(405), "\(method): \(answer.status) \(answer.text)")
                #expect(answer.header("Allow") == "POST", "\(method)")
            }
            #expect(try await http.send("OPTIONS", "/v1/invoices/F2026-000001", token: t.people.accountant.token).header("Allow") == "GET")
        }
    }

    @Test func bodiesOverOneMebibyteAre413() async throws {
        try await TestLab.withServer { t, server in
            let big = Data(#"{"nature": ""#.utf8) + Data(repeating: 0x61, count: 1 << 20) + Data(#""}"#.utf8)
            let answer = try await HTTPClient(server).send(
                "POST", "/v1/machines", token: t.people.manager.token, body: big, headers: ["Content-Type": "application/json"])
            #expect(answer.isProblem(413, type: "payload-too-large"))

            // Chunked, without a Content-Length: refused while it arrives.
            let chunk = String(repeating: "a", count: 64 * 1024)
            var request = "POST /v1/machines HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(t.people.manager.token)\r\n"
            request += "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            for _ in 0..<20 { request += String(chunk.utf8.count, radix: 16) + "\r\n" + chunk + "\r\n" }
            request += "0\r\n\r\n"
            let raw = try await RawHTTP.exchange(port: server.port, request)
            #expect(raw.hasPrefix("HTTP/1.1 413"), "\(raw.prefix(200))")
            #expect(raw.contains("application/problem+json"))
            #expect(try await t.count("SELECT count(*) FROM machines") == 27)
        }
    }

    @Test func aBodyThatIsNotJSONIs415() async throws {
        try await TestLab.withServer { t, server in
            let answer = try await HTTPClient(server).send(
                "POST", "/v1/machines", token: t.people.manager.token, body: Data("nature=Perceuse".utf8),
                headers: ["Content-Type": "application/x-www-form-urlencoded"])
            #expect(answer.isProblem(415))
        }
    }

    @Test func unknownRoutesAre404AndWrongMethods405() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            #expect(try await http.get("/v1/nothing-here", token: t.people.member.token).isProblem(404))
            let delete = try await http.send("DELETE", "/v1/machines/\(try await Self.laser(t).id.text)", token: t.people.manager.token)
            #expect(delete.isProblem(405))
            #expect(delete.header("Allow") == "GET, PATCH")
            #expect(try await http.get("/v1/machines/not-a-uuid", token: t.people.member.token).isProblem(404))
        }
    }

    @Test func aRefusedChangeWritesNothing() async throws {
        try await TestLab.withServer { t, server in
            let laser = try await Self.laser(t)
            let audit = try await t.count("SELECT count(*) FROM audit_log")
            // A valid status with an invalid category: all or nothing.
            let answer = try await HTTPClient(server).send(
                "PATCH", "/v1/machines/\(laser.id.text)", token: t.people.manager.token,
                json: ["status": "maintenance", "category": "Not A Slug"])
            #expect(answer.isProblem(422))
            #expect(answer.json["field"] as? String == "category")
            #expect(try await Self.laser(t) == laser)
            // A duplicate inventory number is refused by the check, and the database would refuse it too.
            let duplicate = try await HTTPClient(server).send(
                "PATCH", "/v1/machines/\(laser.id.text)", token: t.people.manager.token, json: ["inventoryNumber": "012548", "notes": "x"])
            #expect(duplicate.isProblem(409, type: "duplicate"))
            #expect(try await Self.laser(t) == laser)
            #expect(try await t.count("SELECT count(*) FROM audit_log") == audit)
        }
    }

    @Test func hostilePayloadsNeverCauseA5xx() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            let laser = try await Self.laser(t)
            let targets: [(String, String)] = [
                ("POST", "/v1/machines"), ("PATCH", "/v1/machines/\(laser.id.text)"), ("POST", "/v1/organisations"),
                ("PATCH", "/v1/organisations/\(TestLab.university.text)"), ("POST", "/v1/organisations/\(TestLab.university.text)/components"),
                ("POST", "/v1/users"), ("PATCH", "/v1/users/\(t.people.member.user.id.text)"),
                ("POST", "/v1/users/\(t.people.member.user.id.text)/tokens"), ("POST", "/v1/users/\(t.people.otherMember.user.id.text)/disable"),
                ("POST", "/v1/sessions"), ("PUT", "/v1/calendar/opening-hours"), ("POST", "/v1/calendar/closures"),
                ("PATCH", "/v1/calendar/rules"), ("POST", "/v1/machines/\(laser.id.text)/maintenance"), ("POST", "/v1/authorisations"),
                ("PUT", "/v1/staff/\(t.people.manager.user.id.text)/availability/weekly"),
                ("POST", "/v1/staff/\(t.people.manager.user.id.text)/availability/exceptions"),
                ("POST", "/v1/room-bookings"), ("POST", "/v1/rooms"), ("PUT", "/v1/rooms/atrium/layouts/standard"), ("PATCH", "/v1/rooms/atrium"),
                ("POST", "/v1/agreements/\(TestLab.agreement.text)/amendments"), ("PATCH", "/v1/agreements/\(TestLab.agreement.text)/policy"),
                ("POST", "/v1/agreements/\(TestLab.agreement.text)/quota/adjustments"), ("POST", "/v1/agreements/\(TestLab.agreement.text)/alert-recipients"),
            ]
            let long = String(repeating: "é", count: 100_000)
            let payloads: [String] = [
                "null", "[]", "\"text\"", "12", "{}", #"{"nature": null}"#, #"{"nature": "\#(long)"}"#,
                #"{"nature": "a\u0000b"}"#, #"{"name": "", "tariffCategory": ""}"#, #"{"email": "x", "displayName": "y", "organisationId": "nope", "role": "member"}"#,
                #"{"label": "x", "expiresAt": 12}"#, #"{"kind": "ufr", "name": "\#(long)"}"#, #"{"siret": "abc"}"#,
                #"{"inventoryNumber": "00000"}"#, #"{"acquiredOn": "2026-02-30"}"#, #"{"role": "root"}"#,
                String(repeating: "[", count: 5000), #"{"a":"#,
                #"{"purpose": "x", "start": "2020-01-01T00:00:00Z", "end": "2019-01-01T00:00:00Z"}"#,
                #"{"purpose": "x", "start": "2030-01-01T10:00:00Z", "end": "2030-01-01T11:00:00Z", "machineIds": ["nope"]}"#,
                #"{"purpose": "x", "start": "9999-12-31T23:00:00Z", "end": "9999-12-31T23:30:00Z", "participants": -4}"#,
                #"{"intervals": [{"weekday": 9, "start": "x", "end": "y"}]}"#, #"{"startsOn": "2027-13-01", "endsOn": "2027-01-01", "label": ""}"#,
                #"{"maximumDurationMinutes": 0}"#, #"{"start": "2030-01-01T10:00:00Z", "end": "2030-01-01T09:00:00Z", "reason": "x"}"#,
                #"{"userId": "\#(UUID().uuidString)", "machineId": "\#(UUID().uuidString)"}"#,
                #"{"start": "2030-01-01T10:00:00Z", "end": "2030-01-01T12:00:00Z", "available": "yes"}"#,
                #"{"room": "atrium", "layout": "standard", "start": "2030-01-01T10:00:00Z", "end": "2030-01-01T12:00:00Z", "attendees": 99999999999, "purpose": "x"}"#,
                #"{"effectiveFrom": "2027-02-30", "label": "x"}"#, #"{"alertThresholds": [0, -1]}"#, #"{"year": 1999, "minutes": 10, "reason": "x"}"#,
                #"{"year": 2027, "minutes": 2147483647, "reason": "x"}"#, #"{"channel": "webhook", "address": "ftp://nope"}"#,
                #"{"code": "Bad Code", "name": "x", "layouts": []}"#, #"{"label": "x", "capacity": 0}"#,
            ]
            for (method, path) in targets {
                for payload in payloads {
                    let answer = try await http.send(
                        method, path, token: t.people.admin.token, body: Data(payload.utf8), headers: ["Content-Type": "application/json"])
                    #expect(answer.status < 500, "\(method) \(path) \(payload.prefix(40)): \(answer.status) \(answer.text.prefix(200))")
                    if answer.status >= 400 {
                        #expect(answer.isProblem(answer.status), "\(method) \(path) \(payload.prefix(40)): \(answer.text.prefix(200))")
                    }
                }
            }
        }
    }

    /// Ids are the document's `Id` schema, parsed before a handler runs: one that is not a UUID
    /// names nothing in a path (404), and names its parameter or field elsewhere (422), with
    /// nothing written. Ids are read in either case and written in lower case.
    @Test func idsThatAreNotUUIDsSayWhere() async throws {
        try await TestLab.withServer { t, server in
            let http = HTTPClient(server)
            let laser = try await Self.laser(t)
            for (path, detail) in [
                ("/v1/machines/not-a-uuid", "machine not found"), ("/v1/sessions/12345", "session not found"),
                ("/v1/room-bookings/%C3%A9t%C3%A9", "room booking not found"), ("/v1/users/\(laser.id.text)x", "user not found"),
            ] {
                let answer = try await http.get(path, token: t.people.admin.token)
                #expect(answer.isProblem(404, type: "not-found"), "\(path): \(answer.text)")
                #expect(answer.json["detail"] as? String == detail, "\(path): \(answer.text)")
            }
            let query = try await http.get("/v1/audit?actorUserId=nope", token: t.people.admin.token)
            #expect(query.isProblem(422, type: "invalid-field"), "\(query.text)")
            #expect(query.json["field"] as? String == "actorUserId")
            #expect(query.json["detail"] as? String == #""nope" is not a UUID"#)

            let authorisations = try await t.count("SELECT count(*) FROM machine_authorisations")
            let field = try await http.send(
                "POST", "/v1/authorisations", token: t.people.manager.token, json: ["userId": "nope", "machineId": laser.id.text])
            #expect(field.isProblem(422, type: "invalid-field"), "\(field.text)")
            #expect(field.json["field"] as? String == "userId")
            #expect(field.json["detail"] as? String == #""nope" is not a UUID"#)
            #expect(try await t.count("SELECT count(*) FROM machine_authorisations") == authorisations)
            let inArray = try await http.send(
                "POST", "/v1/sessions", token: t.people.member.token,
                json: ["purpose": "x", "start": "2030-01-07T10:00:00Z", "end": "2030-01-07T11:00:00Z", "machineIds": [laser.id.text, "12-34"]])
            #expect(inArray.isProblem(422, type: "invalid-field"), "\(inArray.text)")
            #expect(inArray.json["field"] as? String == "machineIds[1]", "\(inArray.text)")

            let upper = try await http.get("/v1/machines/\(laser.id.uuidString.uppercased())", token: t.people.member.token)
            #expect(upper.status == 200, "\(upper.text)")
            #expect(upper.json["id"] as? String == laser.id.text)
            #expect(upper.json["ownerOrganisationId"] as? String == laser.ownerOrganisationId.text)
        }
    }

    static func laser(_ t: TestLab) async throws -> Machine {
        try await t.lab.inventory.find("13995", by: t.people.manager.actor)
    }
}
