use super::probe::PROBES;
use super::*;
use crate::gate::outcome::Failure;

fn fault(kind: Failure, key: &str) -> Fault {
    Fault {
        kind,
        key: key.to_string(),
        detail: format!("detail of {key}"),
        verb: format!("does {key}"),
    }
}

fn hang() -> Fault {
    fault(Failure::Timeout, "idle")
}

fn crash() -> Fault {
    fault(Failure::Crash, "signal 11")
}

/// A decoder as a function of one run: given its cases, how the run ends.
fn drive(
    total: usize,
    max_restarts: u32,
    decoder: impl Fn(&Cases) -> RunEnd,
) -> (Vec<Plan>, Vec<Decision>) {
    let mut search = Search::new(total, max_restarts, Peer::DECODER);
    let (mut plans, mut decisions) = (Vec::new(), Vec::new());
    loop {
        match search.next_run() {
            Ok(Some(plan)) => {
                let end = decoder(&plan.cases);
                plans.push(plan);
                decisions.extend(search.ended(end));
            }
            Ok(None) => break,
            Err(last) => {
                decisions.extend(last);
                break;
            }
        }
        assert!(plans.len() < 10_000, "the search does not end");
    }
    (plans, decisions)
}

/// A decoder that answers as it reads and fails on the cases `bad`.
fn fails_on(bad: &[usize], f: Fault) -> impl Fn(&Cases) -> RunEnd + '_ {
    move |cases| match cases.iter().position(|c| bad.contains(&c)) {
        Some(answered) => RunEnd::Failed {
            answered,
            fault: f.clone(),
        },
        None => RunEnd::Completed,
    }
}

fn blamed(decisions: &[Decision]) -> Vec<usize> {
    decisions
        .iter()
        .filter_map(|d| match d {
            Decision::Blame { case, .. } => Some(*case),
            _ => None,
        })
        .collect()
}

fn problems(decisions: &[Decision]) -> Vec<&str> {
    decisions
        .iter()
        .filter_map(|d| match d {
            Decision::Problem(p) => Some(p.as_str()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_clean_run_is_one_pipeline() {
    let (plans, decisions) = drive(100, 64, |_| RunEnd::Completed);
    assert_eq!(plans.len(), 1);
    assert!(decisions.is_empty());
}

#[test]
fn a_single_bad_case_is_confirmed_alone_and_blamed() {
    let (plans, decisions) = drive(100, 64, fails_on(&[40], crash()));
    assert_eq!(blamed(&decisions), [40]);
    // Pipeline, 40 alone, pipeline from 41.
    let cases: Vec<Cases> = plans.iter().map(|p| p.cases.clone()).collect();
    assert_eq!(
        cases,
        [
            Cases::Range(0..100),
            Cases::Range(40..41),
            Cases::Range(41..100)
        ]
    );
    assert!(problems(&decisions).is_empty());
}

#[test]
fn a_buffered_crash_is_found_by_windows() {
    // Answers only at the end of input, so a failing run shows no answer at all.
    let decoder = |cases: &Cases| match cases.iter().any(|c| c == 70) {
        true => RunEnd::Failed {
            answered: 0,
            fault: crash(),
        },
        false => RunEnd::Completed,
    };
    let (plans, decisions) = drive(100, 64, decoder);
    assert_eq!(blamed(&decisions), [70], "{decisions:?}");
    assert!(problems(&decisions).is_empty(), "{decisions:?}");
    // The control run replays passing cases, and records nothing.
    assert!(plans.iter().any(|p| !p.record && p.cases.len() == 100));
    assert!(plans.len() < 20, "{} runs", plans.len());
}

#[test]
fn a_hang_after_n_requests_whatever_the_case_is_named_in_two_restarts() {
    let decoder = |cases: &Cases| match cases.len() > 10 {
        true => RunEnd::Failed {
            answered: 10,
            fault: hang(),
        },
        false => RunEnd::Completed,
    };
    let (plans, decisions) = drive(100, 64, decoder);
    assert_eq!(plans.len(), 3, "pipeline, case 10 alone, control");
    assert!(blamed(&decisions).is_empty());
    let problem = problems(&decisions).join("");
    assert!(
        problem.contains("does idle after 10 answers in a run, whatever the case"),
        "{problem}"
    );
    let not_run = decisions.iter().find_map(|d| match d {
        Decision::NotRun { cases, .. } => Some(cases.clone()),
        _ => None,
    });
    assert_eq!(not_run, Some(11..100));
}

#[test]
fn a_decoder_that_never_answers_is_probed_and_given_up_on() {
    let never = |_: &Cases| RunEnd::Failed {
        answered: 0,
        fault: hang(),
    };
    let (plans, decisions) = drive(100, 64, never);
    assert_eq!(
        plans.len(),
        2 + PROBES,
        "pipeline, case 0 alone, each probe alone"
    );
    let probes: Vec<&Cases> = plans[2..].iter().map(|p| &p.cases).collect();
    assert_eq!(
        probes,
        [12, 25, 37, 50, 62, 75, 87]
            .map(|c| Cases::List(vec![c]))
            .each_ref()
    );
    assert!(plans[2..].iter().all(|p| !p.record));
    assert!(blamed(&decisions).is_empty());
    let problem = problems(&decisions).join("");
    assert!(problem.contains("it never answered"), "{problem}");
    assert!(
        decisions
            .iter()
            .any(|d| matches!(d, Decision::NotRun { cases, .. } if *cases == (0..100)))
    );
}

#[test]
fn a_probe_that_passes_lets_the_blame_stand_and_is_not_repeated() {
    // Fails on every case of 0..3 (a category, say) and on nothing else.
    let (plans, decisions) = drive(100, 64, fails_on(&[0, 1, 2], crash()));
    assert_eq!(blamed(&decisions), [0, 1, 2]);
    let probes = plans.iter().filter(|p| !p.record).count();
    assert_eq!(probes, 1, "{plans:?}");
}

#[test]
fn out_of_step_answers_with_an_innocent_case_are_a_problem_at_that_place() {
    let out_of_step = fault(Failure::ProtocolError, "wrong echo");
    // Out of step at case 30 in a long run only when 29 came before it.
    let decoder = |cases: &Cases| {
        let ids: Vec<usize> = cases.iter().collect();
        match ids.windows(2).position(|w| w == [29, 30]) {
            Some(p) => RunEnd::Failed {
                answered: p + 1,
                fault: out_of_step.clone(),
            },
            None => RunEnd::Completed,
        }
    };
    let (plans, decisions) = drive(100, 64, decoder);
    assert!(blamed(&decisions).is_empty(), "{decisions:?}");
    let problem = problems(&decisions).join("");
    assert!(problem.contains("answers it (that answer is"), "{problem}");
    // Pipeline, 30 alone, control, pipeline from 31.
    assert_eq!(plans.len(), 4);
}

#[test]
fn out_of_step_at_a_fixed_place_is_whatever_the_case() {
    let out_of_step = fault(Failure::ProtocolError, "wrong echo");
    let decoder = |cases: &Cases| match cases.len() > 5 {
        true => RunEnd::Failed {
            answered: 5,
            fault: out_of_step.clone(),
        },
        false => RunEnd::Completed,
    };
    let (_, decisions) = drive(100, 64, decoder);
    assert!(blamed(&decisions).is_empty());
    assert!(problems(&decisions)[0].contains("whatever the case"));
}

#[test]
fn the_restart_limit_cuts_the_search_short_and_says_so() {
    // Buffered, and failing on many cases: each search takes several runs.
    let decoder = |cases: &Cases| match cases.iter().any(|c| c % 7 == 3) {
        true => RunEnd::Failed {
            answered: 0,
            fault: crash(),
        },
        false => RunEnd::Completed,
    };
    let (plans, decisions) = drive(100, 5, decoder);
    assert_eq!(plans.len(), 6);
    assert!(
        problems(&decisions)
            .iter()
            .all(|p| !p.contains("makes it fail again")),
        "{decisions:?}"
    );
    let not_run = decisions.iter().find_map(|d| match d {
        Decision::NotRun { key, reason, .. } => Some((key.clone(), reason.clone())),
        _ => None,
    });
    let (key, reason) = not_run.expect("the rest is not run");
    assert_eq!(key, "restart limit");
    assert!(reason.contains("restart limit (5)"));
    assert!(decisions.iter().any(
        |d| matches!(d, Decision::Note(n) if n.contains("while searching for the case at fault"))
    ));
}

#[test]
fn a_failure_no_case_explains_is_the_decoders_own() {
    // Fails only when 50 and 51 are in one run, after answering up to 50.
    let decoder = |cases: &Cases| {
        let ids: Vec<usize> = cases.iter().collect();
        match ids.windows(2).position(|w| w == [50, 51]) {
            Some(p) => RunEnd::Failed {
                answered: p,
                fault: crash(),
            },
            None => RunEnd::Completed,
        }
    };
    let (_, decisions) = drive(100, 64, decoder);
    assert!(blamed(&decisions).is_empty(), "{decisions:?}");
    let problem = problems(&decisions).join("");
    assert!(
        problem.contains("makes it fail again in a fresh process, alone or in a shorter run"),
        "{problem}"
    );
}

#[test]
fn the_total_timeout_blames_nothing() {
    let mut search = Search::new(100, 64, Peer::DECODER);
    let plan = search.next_run().unwrap().unwrap();
    assert_eq!(plan.cases, Cases::Range(0..100));
    let decisions = search.ended(RunEnd::Deadline { answered: 30 });
    assert_eq!(
        decisions,
        [Decision::NotRun {
            cases: 30..100,
            key: "total timeout".to_string(),
            reason: "the total timeout was reached".to_string(),
        }]
    );
    assert!(search.is_done());
}

#[test]
fn a_corpus_of_one_case_that_fails_alone_blames_it() {
    // No other case to probe: the one case that fails alone is the one at fault.
    let (plans, decisions) = drive(1, 64, fails_on(&[0], crash()));
    assert_eq!(blamed(&decisions), [0]);
    assert_eq!(problems(&decisions), Vec::<&str>::new());
    assert!(plans.len() <= 2, "{plans:?}");
}

/// Fails on `case` unless it is the first request of its run (state from earlier cases).
fn fails_on_unless_first(case: usize) -> impl Fn(&Cases) -> RunEnd {
    move |cases| match cases.iter().position(|c| c == case) {
        Some(answered) if answered > 0 => RunEnd::Failed {
            answered,
            fault: crash(),
        },
        _ => RunEnd::Completed,
    }
}

#[test]
fn a_failure_under_investigation_when_the_restart_limit_ends_the_search_fails_the_gate() {
    // Crashes on the last case in a run, which passes alone: the control run that would
    // decide is past the limit, and nothing is left to mark as not run.
    let (_, decisions) = drive(100, 1, fails_on_unless_first(99));
    assert!(blamed(&decisions).is_empty(), "{decisions:?}");
    let problem = problems(&decisions).join("");
    assert!(problem.contains("does signal 11"), "{decisions:?}");
    assert!(problem.contains("cut short"), "{decisions:?}");
}

#[test]
fn a_failure_under_investigation_when_the_total_timeout_ends_the_search_fails_the_gate() {
    // The same, with the total timeout reached during the control run.
    let decoder = |cases: &Cases| match cases {
        Cases::List(_) => RunEnd::Deadline { answered: 3 },
        _ => fails_on_unless_first(99)(cases),
    };
    let (_, decisions) = drive(100, 64, decoder);
    let problem = problems(&decisions).join("");
    assert!(problem.contains("does signal 11"), "{decisions:?}");
}

#[test]
fn a_decoder_that_fails_alone_on_the_first_case_and_on_one_probe_is_not_given_up_on() {
    // Fails on the first tenth and on the second half (an area table missing areas 0 and
    // 7..15, say), and answers the rest: the first probe alone must not decide.
    let bad: Vec<usize> = (0..10).chain(50..100).collect();
    let (_, decisions) = drive(100, 1_000, fails_on(&bad, crash()));
    assert!(problems(&decisions).is_empty(), "{decisions:?}");
    assert!(
        !decisions
            .iter()
            .any(|d| matches!(d, Decision::NotRun { .. })),
        "{decisions:?}"
    );
    assert_eq!(blamed(&decisions), bad);
}

#[test]
fn a_case_answered_alone_is_not_said_to_be_answered_correctly() {
    // The search sees that the case was answered, not whether the answer was right.
    let out_of_step = fault(Failure::ProtocolError, "not JSON");
    let (_, decisions) = drive(100, 64, |cases: &Cases| {
        match cases.iter().position(|c| c == 40) {
            Some(answered) if answered > 0 => RunEnd::Failed {
                answered,
                fault: out_of_step.clone(),
            },
            _ => RunEnd::Completed,
        }
    });
    let said: Vec<String> = decisions
        .iter()
        .filter_map(|d| match d {
            Decision::Problem(s) | Decision::Note(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    assert!(!said.is_empty());
    for s in &said {
        assert!(
            !s.contains("correctly") && !s.contains("passed alone"),
            "{s}"
        );
    }
}
