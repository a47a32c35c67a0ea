import ChatVaultArchive
import ChatVaultCore
import Testing

/// The state machines of review, legal holds and dispositions, transition by transition.
@Suite struct ArchiveRuleTransitionTests {
    func conflict(_ body: () throws -> Any) -> String? {
        do {
            _ = try body()
            return nil
        } catch let error as ArchiveError {
            return error.code == .conflict ? error.message : "code \(error.code)"
        } catch {
            return "\(error)"
        }
    }

    @Test func samePersonIgnoresCaseAccentsWidthAndInvisibleCharacters() {
        #expect(TwoPersonRule.samePerson("officer-a", "Officer-A"))
        #expect(TwoPersonRule.samePerson("rene", "RENÉ"))
        #expect(TwoPersonRule.samePerson("ｏｆｆｉｃｅｒ", "officer"))
        #expect(TwoPersonRule.samePerson("officer-a", "offi\u{200B}cer-a"))
        #expect(!TwoPersonRule.samePerson("officer-a", "officer-b"))
        #expect(TwoPersonRule.permits(proposer: "officer-a", confirmer: "officer-b"))
        #expect(!TwoPersonRule.permits(proposer: "officer-a", confirmer: "OFFICER-A"))
    }

    @Test func aHoldIsReleasedByTwoOfficers() throws {
        #expect(try LegalHold.State.active.released(by: "a", proposedBy: nil, hold: 7) == .releaseProposed)
        #expect(try LegalHold.State.releaseProposed.released(by: "b", proposedBy: "a", hold: 7) == .released)
        #expect(
            conflict { try LegalHold.State.releaseProposed.released(by: "A", proposedBy: "a", hold: 7) }
                == "hold 7: its release was proposed by A; a second officer must confirm it")
        #expect(conflict { try LegalHold.State.released.released(by: "c", proposedBy: "a", hold: 7) } == "hold 7 is already released")
    }

    @Test func aDispositionIsApprovedOnceBySomeoneElse() throws {
        #expect(try Disposition.State.proposed.approved(by: "b", proposedBy: "a", disposition: 3) == .completed)
        #expect(
            conflict { try Disposition.State.proposed.approved(by: "a", proposedBy: "a", disposition: 3) }
                == "disposition 3 was proposed by a; a second officer must approve it (two-person rule)")
        #expect(
            conflict { try Disposition.State.completed.approved(by: "b", proposedBy: "a", disposition: 3) } == "disposition 3 is already completed")
    }

    @Test func reviewActionsMoveAlertsOnlyAlongAllowedEdges() throws {
        let moves: [(Alert.State, ReviewAction, Alert.State?)] = [
            (.open, .escalate, .escalated), (.open, .close, .closed), (.open, .reopen, .open),
            (.escalated, .close, .closed), (.escalated, .escalate, .escalated), (.escalated, .reopen, nil),
            (.closed, .reopen, .open), (.closed, .close, .closed), (.closed, .escalate, nil),
        ]
        for (from, action, to) in moves {
            if let to {
                #expect(try action.nextState(from: from, alert: 1) == to, "\(from) \(action)")
            } else {
                #expect(
                    conflict { try action.nextState(from: from, alert: 1) }
                        == "alert #1 is \(from.rawValue) and cannot be moved to \(action == .reopen ? "open" : "escalated")")
            }
        }
        for state in Alert.State.allCases {
            for action in [ReviewAction.assign, .comment, .coach] {
                #expect(try action.nextState(from: state, alert: 1) == state, "\(action) leaves \(state) alone")
            }
        }
    }
}
