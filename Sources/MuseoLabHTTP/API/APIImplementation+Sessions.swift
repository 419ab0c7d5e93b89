import Foundation
import MuseoLab
import MuseoLabAPI

extension APIImplementation {
    func listSessions(_ input: Operations.ListSessions.Input) async throws -> Operations.ListSessions.Output {
        let q = input.query
        var window: Period?
        if q.from != nil || q.to != nil {
            guard let from = q.from, let to = q.to else { throw Problem.invalid(q.from == nil ? "from" : "to", "give both from and to") }
            window = Period(start: from, end: to)
        }
        let filter = SessionFilter(
            status: try q.status.map { try $0.bridged(SessionStatus.self) }, within: window,
            machineId: q.machineId?.uuid, staffId: q.staffId?.uuid,
            requesterId: q.requesterId?.uuid,
            organisationId: q.organisationId?.uuid, limit: q.limit ?? 200)
        let sessions = try await lab.sessions.list(filter, by: try actor)
        return .ok(.init(body: .json(.init(items: try sessions.map(Components.Schemas.Session.init)))))
    }

    func requestSession(_ input: Operations.RequestSession.Input) async throws -> Operations.RequestSession.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let machineIds = (body.machineIds ?? []).map(\.uuid)
        let session = try await lab.sessions.request(
            SessionRequest(
                requesterId: body.requesterId?.uuid, supervised: body.supervised ?? true,
                staffId: body.staffId?.uuid, purpose: body.purpose, participants: body.participants ?? 1,
                period: Period(start: body.start, end: body.end), machineIds: machineIds),
            by: try actor)
        return .created(.init(headers: .init(location: "/v1/sessions/\(session.id.text)"), body: .json(try .init(session))))
    }

    func getSession(_ input: Operations.GetSession.Input) async throws -> Operations.GetSession.Output {
        let session = try await lab.sessions.get(input.path.sessionId.uuid, by: try actor)
        return .ok(.init(body: .json(try .init(session))))
    }

    func confirmSession(_ input: Operations.ConfirmSession.Input) async throws -> Operations.ConfirmSession.Output {
        var reason: String?
        if case .json(let body)? = input.body { reason = body.reason }
        let session = try await lab.sessions.confirm(input.path.sessionId.uuid, reason: reason, by: try actor)
        return .ok(.init(body: .json(try .init(session))))
    }

    func cancelSession(_ input: Operations.CancelSession.Input) async throws -> Operations.CancelSession.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let session = try await lab.sessions.cancel(input.path.sessionId.uuid, reason: body.reason, by: try actor)
        return .ok(.init(body: .json(try .init(session))))
    }

    func rescheduleSession(_ input: Operations.RescheduleSession.Input) async throws -> Operations.RescheduleSession.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let session = try await lab.sessions.reschedule(
            input.path.sessionId.uuid, to: Period(start: body.start, end: body.end), reason: body.reason, by: try actor)
        return .ok(.init(body: .json(try .init(session))))
    }

    func completeSession(_ input: Operations.CompleteSession.Input) async throws -> Operations.CompleteSession.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let session = try await lab.sessions.complete(
            input.path.sessionId.uuid, actual: Period(start: body.actualStart, end: body.actualEnd),
            note: body.note, by: try actor)
        return .ok(.init(body: .json(try .init(session))))
    }

    func recordSession(_ input: Operations.RecordSession.Input) async throws -> Operations.RecordSession.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let session = try await lab.sessions.record(
            RecordedSession(
                requesterId: body.requesterId.uuid, staffId: body.staffId.uuid, purpose: body.purpose, participants: body.participants ?? 1,
                actual: Period(start: body.actualStart, end: body.actualEnd), machineIds: (body.machineIds ?? []).map(\.uuid), note: body.note),
            by: try actor)
        return .created(.init(headers: .init(location: "/v1/sessions/\(session.id.text)"), body: .json(try .init(session))))
    }

    func recordNoShow(_ input: Operations.RecordNoShow.Input) async throws -> Operations.RecordNoShow.Output {
        var reason: String?
        if case .json(let body)? = input.body { reason = body.reason }
        let session = try await lab.sessions.noShow(input.path.sessionId.uuid, reason: reason, by: try actor)
        return .ok(.init(body: .json(try .init(session))))
    }

    // MARK: - Authorisations

    func listAuthorisations(_ input: Operations.ListAuthorisations.Input) async throws -> Operations.ListAuthorisations.Output {
        let list = try await lab.authorisations.list(userId: input.query.userId?.uuid, by: try actor)
        return .ok(.init(body: .json(.init(items: list.map(Components.Schemas.Authorisation.init)))))
    }

    func grantAuthorisation(_ input: Operations.GrantAuthorisation.Input) async throws -> Operations.GrantAuthorisation.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let userId = body.userId.uuid
        let granted = try await lab.authorisations.grant(
            to: userId, machineId: body.machineId?.uuid, category: body.category,
            grantedOn: try Identifier.date(body.grantedOn, "grantedOn"), expiresOn: try Identifier.date(body.expiresOn, "expiresOn"),
            note: body.note, by: try actor)
        return .created(.init(body: .json(.init(granted))))
    }

    func revokeAuthorisation(_ input: Operations.RevokeAuthorisation.Input) async throws -> Operations.RevokeAuthorisation.Output {
        var reason: String?
        if case .json(let body)? = input.body { reason = body.reason }
        let revoked = try await lab.authorisations.revoke(
            input.path.authorisationId.uuid, reason: reason, by: try actor)
        return .ok(.init(body: .json(.init(revoked))))
    }

    // MARK: - Series

    func requestSessionSeries(_ input: Operations.RequestSessionSeries.Input) async throws -> Operations.RequestSessionSeries.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let series = try await lab.sessionSeries.request(
            SeriesRequest(
                first: SessionRequest(
                    requesterId: body.requesterId?.uuid, supervised: body.supervised ?? true, staffId: body.staffId?.uuid, purpose: body.purpose,
                    participants: body.participants ?? 1, period: Period(start: body.start, end: body.end), machineIds: (body.machineIds ?? []).map(\.uuid)),
                everyWeeks: body.everyWeeks ?? 1, until: try Identifier.date(body.until, "until"), count: body.count),
            by: try actor)
        return .created(.init(body: .json(try .init(series))))
    }

    func getSessionSeries(_ input: Operations.GetSessionSeries.Input) async throws -> Operations.GetSessionSeries.Output {
        .ok(.init(body: .json(try .init(try await lab.sessionSeries.get(input.path.seriesId.uuid, by: try actor)))))
    }

    func confirmSessionSeries(_ input: Operations.ConfirmSessionSeries.Input) async throws -> Operations.ConfirmSessionSeries.Output {
        .ok(.init(body: .json(try .init(try await lab.sessionSeries.confirm(input.path.seriesId.uuid, by: try actor)))))
    }

    func cancelSessionSeries(_ input: Operations.CancelSessionSeries.Input) async throws -> Operations.CancelSessionSeries.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let series = try await lab.sessionSeries.cancel(input.path.seriesId.uuid, from: body.fromOccurrence ?? 1, reason: body.reason, by: try actor)
        return .ok(.init(body: .json(try .init(series))))
    }

    // MARK: - Trainings

    func listTrainings(_ input: Operations.ListTrainings.Input) async throws -> Operations.ListTrainings.Output {
        let list = try await lab.trainings.list(userId: input.query.userId?.uuid, by: try actor)
        return .ok(.init(body: .json(.init(items: try list.map(Components.Schemas.TrainingRequest.init)))))
    }

    func askTraining(_ input: Operations.AskTraining.Input) async throws -> Operations.AskTraining.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let asked = try await lab.trainings.ask(machineId: body.machineId?.uuid, category: body.category, note: body.note, by: try actor)
        return .created(.init(body: .json(try .init(asked))))
    }

    func planTraining(_ input: Operations.PlanTraining.Input) async throws -> Operations.PlanTraining.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let (training, session) = try await lab.trainings.plan(
            input.path.trainingId.uuid, period: Period(start: body.start, end: body.end), staffId: body.staffId?.uuid,
            validityMonths: body.validityMonths, by: try actor)
        return .created(.init(body: .json(.init(training: try .init(training), session: try .init(session)))))
    }

    // MARK: - Waiting list

    func listWaitingRequests(_ input: Operations.ListWaitingRequests.Input) async throws -> Operations.ListWaitingRequests.Output {
        let list = try await lab.waitingList.list(userId: input.query.userId?.uuid, by: try actor)
        return .ok(.init(body: .json(.init(items: try list.map(Components.Schemas.WaitingRequest.init)))))
    }

    func askWaitingRequest(_ input: Operations.AskWaitingRequest.Input) async throws -> Operations.AskWaitingRequest.Output {
        guard case .json(let body) = input.body else { throw Problem(.unsupportedMediaType, "send JSON") }
        let asked = try await lab.waitingList.ask(
            machineId: body.machineId?.uuid, staffId: body.staffId?.uuid, period: Period(start: body.start, end: body.end), by: try actor)
        return .created(.init(body: .json(try .init(asked))))
    }

    func withdrawWaitingRequest(_ input: Operations.WithdrawWaitingRequest.Input) async throws -> Operations.WithdrawWaitingRequest.Output {
        let withdrawn = try await lab.waitingList.withdraw(input.path.requestId.uuid, by: try actor)
        return .ok(.init(body: .json(try .init(withdrawn))))
    }

    // MARK: - Notifications and feeds

    func listMyNotifications(_ input: Operations.ListMyNotifications.Input) async throws -> Operations.ListMyNotifications.Output {
        let list = try await lab.notifications.mine(unreadOnly: input.query.unread ?? false, by: try actor)
        return .ok(.init(body: .json(.init(items: list.map {
            .init(id: $0.id.resourceId, kind: $0.kind, subject: $0.subject, body: $0.body, sessionId: $0.sessionId?.resourceId,
                  createdAt: $0.createdAt, readAt: $0.readAt)
        }))))
    }

    func markNotificationRead(_ input: Operations.MarkNotificationRead.Input) async throws -> Operations.MarkNotificationRead.Output {
        try await lab.notifications.markRead(input.path.notificationId.uuid, by: try actor)
        return .noContent(.init())
    }

    func createCalendarFeed(_ input: Operations.CreateCalendarFeed.Input) async throws -> Operations.CreateCalendarFeed.Output {
        let actor = try actor
        guard let userId = actor.userId else { throw Problem.notFound("user") }
        let secret = try await lab.calendarFeeds.create(for: userId, by: actor)
        return .created(.init(body: .json(.init(url: "/calendar/feeds/\(secret).ics", secret: secret))))
    }

    func revokeCalendarFeed(_ input: Operations.RevokeCalendarFeed.Input) async throws -> Operations.RevokeCalendarFeed.Output {
        let actor = try actor
        guard let userId = actor.userId else { throw Problem.notFound("user") }
        try await lab.calendarFeeds.revoke(for: userId, by: actor)
        return .noContent(.init())
    }

    func getUserCalendarFeed(_ input: Operations.GetUserCalendarFeed.Input) async throws -> Operations.GetUserCalendarFeed.Output {
        let secret = input.path.feedToken.hasSuffix(".ics") ? String(input.path.feedToken.dropLast(4)) : input.path.feedToken
        let text = try await lab.calendarFeeds.userFeed(secret: secret)
        return .ok(.init(body: .textCalendar(.init(text))))
    }

    func getMachineCalendarFeed(_ input: Operations.GetMachineCalendarFeed.Input) async throws -> Operations.GetMachineCalendarFeed.Output {
        let reference = input.path.machineId.hasSuffix(".ics") ? String(input.path.machineId.dropLast(4)) : input.path.machineId
        let text = try await lab.calendarFeeds.machineFeed(try Identifier.path(reference, "machine"))
        return .ok(.init(body: .textCalendar(.init(text))))
    }
}

extension Components.Schemas.Session {
    init(_ session: SupportSession) throws {
        func person(_ p: SupportSession.Person) -> Components.Schemas.PersonRef {
            .init(id: p.id.resourceId, displayName: p.displayName, email: p.email)
        }
        self.init(
            id: session.id.resourceId, reference: session.reference, supervised: session.supervised, requester: person(session.requester),
            organisationId: session.organisationId.resourceId, organisationName: session.organisationName,
            agreementId: session.agreementId?.resourceId, staff: session.staff.map(person), purpose: session.purpose,
            participants: session.participants, start: session.period.start, end: session.period.end,
            localStart: ParisTime.format(session.period.start), localEnd: ParisTime.format(session.period.end),
            durationMinutes: session.period.minutes, status: try session.status.bridged(),
            actualStart: session.actualPeriod?.start, actualEnd: session.actualPeriod?.end,
            actualDurationMinutes: session.actualPeriod?.minutes, lateCancellation: session.lateCancellation,
            recordedAfterwards: session.recordedAfterwards, revision: session.revision,
            machines: session.machines.map { .init(id: $0.id.resourceId, nature: $0.nature, model: $0.model, inventoryNumber: $0.inventoryNumber) },
            events: try session.events.map {
                .init(occurredAt: $0.occurredAt, from: try $0.from.map { try $0.bridged() }, to: try $0.to.bridged(),
                      actor: $0.actor, actorUserId: $0.actorUserId?.resourceId, reason: $0.reason)
            },
            createdAt: session.createdAt, updatedAt: session.updatedAt)
    }
}

/// The domain's series, named apart from the API's schema of the same name.
typealias BookedSeries = SessionSeries.Series
typealias SeriesRequest = SessionSeries.Request

extension Components.Schemas.SessionSeries {
    init(_ series: BookedSeries) throws {
        self.init(
            id: series.id.resourceId, requesterId: series.requesterId.resourceId, everyWeeks: series.everyWeeks, bookedMinutes: series.bookedMinutes,
            occurrences: try series.occurrences.map { occurrence in
                .init(
                    occurrence: occurrence.occurrence, start: occurrence.period.start, end: occurrence.period.end,
                    status: occurrence.session == nil ? .refused : .booked, session: try occurrence.session.map(Components.Schemas.Session.init),
                    refusal: occurrence.refusal.map { .init(_type: $0.kind.typeURI, detail: $0.detail, field: $0.field) })
            },
            quota: series.quota.map {
                .init(agreementId: $0.agreementId.resourceId, year: $0.year, minutes: $0.minutes, remainingBeforeMinutes: $0.remainingBeforeMinutes,
                      remainingAfterMinutes: $0.remainingAfterMinutes, overQuotaMinutes: $0.overQuotaMinutes)
            })
    }
}

/// The domain's request, named apart from the API's schema of the same name.
typealias WaitingListRequest = WaitingRequest
typealias AskedTraining = TrainingRequest

extension Components.Schemas.TrainingRequest {
    init(_ request: AskedTraining) throws {
        self.init(
            id: request.id.resourceId, userId: request.userId.resourceId, machineId: request.machineId?.resourceId, category: request.category,
            note: request.note, askedAt: request.askedAt, status: try request.status.bridged(), sessionId: request.sessionId?.resourceId,
            validityMonths: request.validityMonths, authorisationId: request.authorisationId?.resourceId)
    }
}

extension Components.Schemas.WaitingRequest {
    init(_ request: WaitingListRequest) throws {
        self.init(
            id: request.id.resourceId, userId: request.userId.resourceId, machineId: request.machineId?.resourceId,
            staffId: request.staffId?.resourceId, start: request.period.start, end: request.period.end, askedAt: request.askedAt,
            status: try request.status.bridged(), notifiedAt: request.notifiedAt, freedBySessionId: request.freedBySessionId?.resourceId,
            withdrawnAt: request.withdrawnAt)
    }
}

extension Components.Schemas.Authorisation {
    init(_ authorisation: MachineAuthorisation) {
        self.init(
            id: authorisation.id.resourceId, userId: authorisation.userId.resourceId, machineId: authorisation.machineId?.resourceId,
            category: authorisation.category, grantedOn: authorisation.grantedOn.description,
            expiresOn: authorisation.expiresOn?.description, grantedBy: authorisation.grantedBy, note: authorisation.note,
            revokedAt: authorisation.revokedAt, revocationReason: authorisation.revocationReason)
    }
}
