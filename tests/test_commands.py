"""Every command of docs/protocol.md §3: what it does, for whom, and every way it is refused.

Each command has a success story (the change as each kind of viewer sees
it) and a refusal test; every refusal is checked to change nothing at all
(`Board.refuse`: the organiser's snapshot including seq, the sender's own
snapshot and the row count of every table are identical before and after).
The stories are kept by the module of server/domain that runs the command:
tests/test_workshops_commands.py, test_board_commands.py,
test_plenary_commands.py, test_safety_commands.py, and the files named in
COVERED. This file checks what holds for every command (roles, payload
shape, command ids); `test_every_command_is_covered` keeps COVERED in step
with the registry.
"""
from __future__ import annotations

import importlib

import pytest
from sqlalchemy import update

from server.domain import REGISTRY, dispatch
from server.domain.auth import Principal
from server.domain.errors import CommandError
from server.models import FacilitatorInvite, utcnow

# command -> (success test, refusal test), as "module::test" (a module of tests/).
COVERED = {
    "phase_advance": ("test_workshops_commands::test_phase_advance_moves_the_room_on_and_reveals_once",
                      "test_workshops_commands::test_phase_advance_refusals"),
    "phase_back": ("test_workshops_commands::test_phase_back_never_unreveals",
                   "test_workshops_commands::test_phase_back_refusals"),
    "timer_set": ("test_workshops_commands::test_timer_set_gives_everyone_the_same_deadline",
                  "test_workshops_commands::test_timer_set_refusals"),
    "timer_extend": ("test_workshops_commands::test_timer_extend_adds_time",
                     "test_workshops_commands::test_timer_extend_refusals"),
    "timer_clear": ("test_workshops_commands::test_timer_clear_stops_the_countdown",
                    "test_workshops_commands::test_timer_clear_refusals"),
    "help_call": ("test_workshops_commands::test_help_call_reaches_organisers_and_the_room_facilitator_only",
                  "test_workshops_commands::test_help_call_refusals"),
    "help_clear": ("test_workshops_commands::test_help_clear_answers_the_call",
                   "test_workshops_commands::test_help_clear_refusals"),
    "barrier_post": ("test_board_commands::test_barrier_post_is_private_until_the_reveal",
                     "test_board_commands::test_barrier_post_refusals"),
    "barrier_withdraw": ("test_board_commands::test_barrier_withdraw_removes_it_and_returns_its_dots",
                         "test_board_commands::test_barrier_withdraw_refusals"),
    "barrier_merge": ("test_board_commands::test_merge_keeps_one_dot_per_voter_and_undo_puts_them_back",
                      "test_board_commands::test_barrier_merge_refusals"),
    "merge_undo": ("test_board_commands::test_merge_keeps_one_dot_per_voter_and_undo_puts_them_back",
                   "test_board_commands::test_merge_undo_refusals"),
    "vote_cast": ("test_board_commands::test_vote_cast_tally_reaches_the_room_and_my_votes_only_the_voter",
                  "test_board_commands::test_vote_cast_refusals"),
    "vote_withdraw": ("test_board_commands::test_vote_withdraw_gives_the_dot_back",
                      "test_board_commands::test_vote_withdraw_refusals"),
    "solution_post": ("test_board_commands::test_solution_post_reaches_the_room",
                      "test_board_commands::test_solution_post_refusals"),
    "solution_withdraw": ("test_board_commands::test_solution_withdraw_returns_its_dots",
                          "test_board_commands::test_solution_withdraw_refusals"),
    "post_hide": ("test_board_commands::test_post_hide_hides_from_others_and_returns_dots",
                  "test_board_commands::test_post_hide_refusals"),
    "post_restore": ("test_board_commands::test_post_restore_shows_it_again",
                     "test_board_commands::test_post_restore_refusals"),
    "report_push": ("test_plenary_commands::test_report_push_puts_items_on_the_plenary_board",
                    "test_plenary_commands::test_report_push_refusals"),
    "report_withdraw": ("test_plenary_commands::test_report_withdraw_takes_the_item_back_and_returns_dots",
                        "test_plenary_commands::test_report_withdraw_refusals"),
    "plan_entry_create": ("test_plenary_commands::test_plan_entry_create_from_an_item_or_a_title",
                          "test_plenary_commands::test_plan_entry_create_refusals"),
    "plan_entry_update": ("test_plenary_commands::test_plan_entry_update_bumps_the_field_version",
                          "test_plenary_commands::test_plan_entry_update_refusals"),
    "council_volunteer": ("test_plenary_commands::test_council_volunteer_contact_only_for_organisers",
                          "test_plenary_commands::test_council_volunteer_refusals"),
    "council_role_set": ("test_plenary_commands::test_council_role_set_shows_the_council_to_everyone",
                         "test_plenary_commands::test_council_role_set_refusals"),
    "workshop_update": ("test_workshops_commands::test_workshop_update_reaches_everyone",
                        "test_workshops_commands::test_workshop_update_refusals"),
    "rooms_set": ("test_workshops_commands::test_rooms_set_adds_and_removes_rooms_before_the_day",
                  "test_workshops_commands::test_rooms_set_refusals"),
    "workshop_advance": ("test_workshops_commands::test_workshop_advance_and_back_walk_the_day",
                         "test_workshops_commands::test_workshop_advance_refusals"),
    "workshop_back": ("test_workshops_commands::test_workshop_advance_and_back_walk_the_day",
                      "test_workshops_commands::test_workshop_back_refusals"),
    "workshop_pause": ("test_workshops_commands::test_pause_stops_participants_only_until_resume",
                       "test_workshops_commands::test_workshop_pause_refusals"),
    "workshop_resume": ("test_workshops_commands::test_pause_stops_participants_only_until_resume",
                        "test_workshops_commands::test_workshop_resume_refusals"),
    "participant_move": ("test_workshops_commands::test_participant_move_takes_the_person_to_the_new_room",
                         "test_workshops_commands::test_participant_move_refusals"),
    "participant_remove": ("test_safety_commands::test_participant_remove_cuts_the_person_off_and_keeps_their_posts",
                           "test_safety_commands::test_participant_remove_refusals"),
    "facilitator_revoke": ("test_safety_commands::test_facilitator_revoke_cuts_the_tablet_and_renew_issues_a_new_link",
                           "test_safety_commands::test_facilitator_revoke_refusals"),
    "facilitator_invite_renew": ("test_safety_commands::test_facilitator_revoke_cuts_the_tablet_and_renew_issues_a_new_link",
                                 "test_safety_commands::test_facilitator_invite_renew_refusals"),
    "post_edit": ("test_safety_commands::test_post_edit_corrects_the_text_and_keeps_the_original",
                  "test_safety_commands::test_post_edit_refusals"),
    "council_link_issue": ("test_council::test_council_link_issue_gives_a_token_once_and_a_council_page",
                           "test_council::test_council_link_refusals"),
    "council_link_revoke": ("test_council::test_council_link_revoke_cuts_the_page",
                            "test_council::test_council_link_refusals"),
    "plan_note_add": ("test_council::test_a_member_updates_the_actions_they_co_lead",
                      "test_council::test_a_member_cannot_update_what_they_do_not_co_lead"),
    "meeting_schedule": ("test_meetings::test_a_co_chair_schedules_a_meeting_and_records_its_minutes",
                         "test_meetings::test_a_member_who_is_not_a_co_chair_cannot_schedule_or_write_minutes"),
    "meeting_minutes_set": ("test_meetings::test_a_co_chair_schedules_a_meeting_and_records_its_minutes",
                            "test_meetings::test_meeting_refusals"),
    "plan_due_set": ("test_meetings::test_due_dates_by_the_organiser_and_a_co_chair_and_overdue",
                     "test_meetings::test_due_date_refusals"),
    "merge_object": ("test_moderation::test_merge_object_tells_the_facilitators_not_who",
                     "test_moderation::test_merge_object_refusals"),
    "merge_objection_dismiss": ("test_moderation::test_merge_objection_dismiss_keeps_the_merge_and_tells_the_objector",
                                "test_moderation::test_merge_objection_dismiss_refusals"),
    "display_link_renew": ("test_links::test_display_link_renew_cuts_the_projector_and_gives_a_new_link",
                           "test_links::test_display_link_renew_refusals"),
    "organiser_link_renew": ("test_links::test_organiser_link_renew_cuts_every_console_opened_with_the_old_link",
                             "test_links::test_organiser_link_renew_refusals"),
    "plenary_merge": ("test_plenary_merge::test_plenary_merge_combines_dots_once_per_person_and_undo_restores",
                      "test_plenary_merge::test_plenary_merge_refusals"),
    "plenary_merge_undo": ("test_plenary_merge::test_plenary_merge_combines_dots_once_per_person_and_undo_restores",
                           "test_plenary_merge::test_plenary_merge_undo_refusals"),
    "seat_code_issue": ("test_seats::test_seat_code_issue_gives_a_code_once_and_rejoin_takes_the_seat_back",
                        "test_seats::test_seat_code_issue_refusals"),
    "agenda_set": ("test_agenda::test_agenda_set_changes_what_comes_next",
                   "test_agenda::test_agenda_set_refusals"),
    "room_languages_set": ("test_agenda::test_room_languages_set_says_what_the_facilitator_reads_and_joins_follow",
                           "test_agenda::test_room_languages_set_refusals"),
    "rooms_form": ("test_agenda::test_rooms_form_seats_everyone_again_by_the_rule_of_the_round",
                   "test_agenda::test_rooms_form_refusals"),
    "plenary_vote_close": ("test_agenda::test_prioritise_brings_every_caucus_barrier_to_one_board_and_the_dots_close_"
                           "before_priorities",
                           "test_agenda::test_plenary_vote_close_is_refused_outside_the_prioritisation"),
    "priorities_confirm": ("test_agenda::test_prioritise_brings_every_caucus_barrier_to_one_board_and_the_dots_close_"
                           "before_priorities",
                           "test_agenda::test_plenary_vote_close_is_refused_outside_the_prioritisation"),
    "prompts_set": ("test_agenda::test_prompts_set_words_the_prompts_in_the_workshops_languages",
                    "test_agenda::test_prompts_set_refusals"),
    "pulse_open": ("test_pulse::test_a_pulse_is_asked_answered_once_and_closed_with_results_by_side",
                   "test_pulse::test_pulse_open_and_close_refusals"),
    "pulse_close": ("test_pulse::test_a_pulse_is_asked_answered_once_and_closed_with_results_by_side",
                    "test_pulse::test_pulse_open_and_close_refusals"),
    "pulse_answer": ("test_pulse::test_a_pulse_is_asked_answered_once_and_closed_with_results_by_side",
                     "test_pulse::test_pulse_answer_refusals"),
    "followup_open": ("test_followup::test_a_followup_pulse_is_opened_after_the_day_answered_once_per_device_and_trended",
                      "test_followup::test_followup_open_and_close_refusals"),
    "followup_close": ("test_followup::test_a_council_members_link_opens_and_closes_a_followup_pulse",
                       "test_followup::test_followup_open_and_close_refusals"),
    "election_open": ("test_election::test_a_sector_elects_its_seats_by_secret_ballot_and_they_join_the_council",
                      "test_election::test_election_open_refusals"),
    "election_ballot_open": ("test_election::test_a_sector_elects_its_seats_by_secret_ballot_and_they_join_the_council",
                             "test_election::test_ballot_open_close_and_runoff_refusals"),
    "election_close": ("test_election::test_a_sector_elects_its_seats_by_secret_ballot_and_they_join_the_council",
                       "test_election::test_ballot_open_close_and_runoff_refusals"),
    "election_runoff": ("test_election::test_a_tie_for_the_last_seat_goes_to_a_second_ballot_or_the_organiser_appoints",
                        "test_election::test_runoff_without_a_tie_is_refused"),
    "election_nominate": ("test_election::test_a_sector_elects_its_seats_by_secret_ballot_and_they_join_the_council",
                          "test_election::test_nominate_and_answer_refusals"),
    "election_nomination_answer": (
        "test_election::test_a_sector_elects_its_seats_by_secret_ballot_and_they_join_the_council",
        "test_election::test_nominate_and_answer_refusals"),
    "election_withdraw": ("test_election::test_a_candidate_withdraws_while_nominations_are_open",
                          "test_election::test_withdraw_refusals"),
    "election_vote": ("test_election::test_a_sector_elects_its_seats_by_secret_ballot_and_they_join_the_council",
                      "test_election::test_vote_refusals"),
    "sectors_set": ("test_sectors::test_sectors_set_renames_reorders_adds_and_everyone_hears_it",
                    "test_sectors::test_sectors_set_refusals_change_nothing"),
    "workshop_purge": ("test_purge::test_purge_erases_personal_data_and_every_export_keeps_the_content_without_names",
                       "test_purge::test_purge_is_refused_before_the_workshop_is_closed_and_changes_nothing"),
}


def test_every_command_is_covered():
    assert set(COVERED) == set(REGISTRY), (
        f"commands without tests here: {sorted(set(REGISTRY) - set(COVERED))}; "
        f"tests for commands that no longer exist: {sorted(set(COVERED) - set(REGISTRY))}")
    for name, tests in COVERED.items():
        for test in tests:
            module, _, func = test.rpartition("::")
            where = vars(importlib.import_module(f"tests.{module}")) if module else globals()
            assert callable(where.get(func)), f"{name}: {test} is not a test"


# -- every command, generically ----------------------------------------------------

def test_each_role_may_send_only_its_commands(board):
    """A participant sending a facilitator command, the projector sending anything: forbidden, nothing changes."""
    p = board.person(0)
    senders = {"participant": p, "facilitator": board.fac, "organiser": board.org, "display": board.display}
    refused = 0
    for name, spec in sorted(REGISTRY.items()):
        for role, sender in senders.items():
            if role not in spec.roles:
                board.refuse(sender, name, "forbidden")
                refused += 1
    assert refused > len(REGISTRY)  # the projector alone is refused every command


def test_payload_shape_is_checked_for_every_command(board):
    """Unknown fields are invalid; no object or no cid is a bad request; unknown commands are named."""
    p = board.person(0)
    senders = {"participant": p, "facilitator": board.fac, "organiser": board.org}
    for name, spec in sorted(REGISTRY.items()):
        sender = senders[spec.roles[0]]
        err = board.refuse(sender, name, "invalid", surprise=1)
        assert "surprise" in err["message"]
        before = board.observe(sender)
        for bad in ("just text", ["a list"], 7, None):
            ack = sender.sio.emit(name, bad, callback=True)
            assert ack["ok"] is False and ack["error"]["code"] == "bad_request", (name, bad, ack)
        for cid in (None, "", 5, "c" * 65):
            ack = sender.sio.emit(name, {"cid": cid} if cid is not None else {}, callback=True)
            assert ack["ok"] is False and ack["error"]["code"] == "bad_request", (name, cid, ack)
        assert board.observe(sender) == before
    principal = Principal("organiser", board.day.workshop_id)
    with pytest.raises(CommandError) as err:
        dispatch(board.db, principal, "make_coffee", {"cid": "x"})
    assert err.value.code == "unknown_command"
    with pytest.raises(CommandError) as err:
        dispatch(board.db, None, "phase_advance", {"cid": "x"})
    assert err.value.code == "unauthorized"


def test_a_cid_used_for_another_command_is_refused(board):
    board.org.ok("timer_set", cid="same-cid", room_id=board.room, seconds=60)
    err = board.refuse(board.org, "timer_clear", "cid_reused", cid="same-cid", room_id=board.room)
    assert "different command" in err["message"]


def test_a_revoked_facilitator_link_stops_at_the_next_command(board):
    with board.db.transaction() as s:
        s.execute(update(FacilitatorInvite).where(FacilitatorInvite.room_id == board.room).values(revoked_at=utcnow()))
    board.refuse(board.fac, "timer_set", "unauthorized", seconds=60)
