import Testing

/// The review, retention, report and notice conformance suites on the embedded store.
@Suite struct SQLiteStoreConformanceTests {
    typealias Subject = SQLiteStoreSubject

    @Test func reviewStepsFollowTheStateMachine() async throws { try await Subject.with(ReviewStoreConformance.stepsMoveAlertsAlongTheStateMachine) }
    @Test func reviewBatchIsAllOrNothing() async throws { try await Subject.with(ReviewStoreConformance.aBatchOfStepsIsAllOrNothing) }
    @Test func reviewQueue() async throws { try await Subject.with(ReviewStoreConformance.theQueueFiltersCountsAndPages) }
    @Test func coachingNotes() async throws { try await Subject.with(ReviewStoreConformance.coachingNotesByEmployee) }

    @Test func retentionRulesAreVersioned() async throws { try await Subject.with(RetentionStoreConformance.rulesAreVersioned) }
    @Test func holdsCover() async throws { try await Subject.with(RetentionStoreConformance.holdsCoverPeopleConversationsAndQueries) }
    @Test func holdReleaseTakesTwoOfficers() async throws { try await Subject.with(RetentionStoreConformance.releasingAHoldTakesTwoOfficers) }
    @Test func disposition() async throws {
        try await Subject.with(RetentionStoreConformance.dispositionRemovesExpiredUnheldMessagesWithTwoOfficers)
    }

    @Test func reportVolumeAndSenders() async throws { try await Subject.with(ReportStoreConformance.volumeAndSendersCountTheRange) }
    @Test func reportTraffic() async throws { try await Subject.with(ReportStoreConformance.trafficGroupsByConversation) }
    @Test func reportAlertsAndBacklog() async throws { try await Subject.with(ReportStoreConformance.alertsByWeekAndBacklog) }

    @Test func notices() async throws { try await Subject.with(NoticeStoreConformance.noticesAndParticipants) }
}
