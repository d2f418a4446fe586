"""The Datasets tab's pair view (issue 24): each sampled row as its prompt with the two answers side by side; a
malformed row shows its message in place, and the split's first malformed rows are named above."""

from html import escape

from datasets import Dataset

from core.data.preferences import load_pref_sample
from ui.datasets.pair_views import MAX_ROWS, pairs_html, preference_format

Q, GOOD, BAD = "Is <b>this</b> review positive?", "This review is positive.", "Positive. Obviously."


def test_the_embedded_pairs_show_prompt_chosen_and_rejected_side_by_side():
    split = load_pref_sample()["test"]
    assert preference_format(split.column_names) == "explicit"
    html = pairs_html(split, [0, 7])
    assert "120 of 120 rows checked" in html and "every one is a pair DPO can train on" in html
    assert html.count('class="fts-pair-sides"') == 2 and html.count("fts-pair-chosen") == 2
    for index in (0, 7):
        row = split[index]
        chosen, rejected = (escape(row[side][0]["content"]) for side in ("chosen", "rejected"))  # shown as text
        assert f"row {index} · task: {row['task']} · language: {row['language']} · flaw: {row['flaw']}" in html
        # chosen then rejected, in the same row of the grid, each with its size
        sides = html.split(f"row {index} ·")[1].split("fts-pair-sides")[1]
        assert sides.index(chosen) < sides.index(rejected)
        sizes = [len(row[side][0]["content"]) for side in ("chosen", "rejected")]
        assert all(f"{size} characters" in sides for size in sizes)


def test_a_malformed_row_shows_its_fix_in_place_and_text_is_escaped():
    rows = [{"prompt": Q, "chosen": GOOD, "rejected": BAD}] * 3 + [{"prompt": Q, "chosen": GOOD, "rejected": GOOD}]
    split = Dataset.from_list(rows)
    html = pairs_html(split, [0, 3])
    assert "<b>this</b>" not in html and "&lt;b&gt;this&lt;/b&gt;" in html  # a visitor's text is never markup
    assert "fix these rows before training" in html and "Row 3: chosen and rejected are the same answer" in html
    assert html.count("fts-pair-bad") == 1 and html.count("fts-pair-sides") == 1
    assert pairs_html(split, list(range(-2, 99))).count('class="fts-pair"') == 4  # only rows that exist


def test_implicit_pairs_and_conversations_of_several_turns_show_each_role():
    system = {"role": "system", "content": "Be brief."}
    user = {"role": "user", "content": Q}
    split = Dataset.from_dict({"chosen": [[system, user, {"role": "assistant", "content": GOOD}]],
                               "rejected": [[system, user, {"role": "assistant", "content": BAD}]]})
    html = pairs_html(split, [0])
    assert "chosen and rejected that start with their shared prompt" in html
    assert "<b>system</b>: Be brief.<br><b>user</b>: Is &lt;b&gt;this" in html  # the shared turns are the prompt
    assert GOOD in html and BAD in html


def test_a_split_without_pairs_shows_nothing_and_at_most_the_tables_rows_are_drawn():
    assert pairs_html(Dataset.from_dict({"text": ["a"], "label": [0]}), [0]) == ""
    split = Dataset.from_list([{"prompt": Q, "chosen": GOOD, "rejected": f"{BAD} {i}"} for i in range(80)])
    assert pairs_html(split, list(range(80))).count('class="fts-pair"') == MAX_ROWS


def test_loading_the_embedded_pairs_draws_them_and_a_resample_redraws(isolated_settings):
    import gradio as gr

    from core.data.loading import load_source
    from core.data.source import PREFS, DatasetSource
    from ui.datasets.handlers import SOURCE_PREFS, load_dataset, sampled_chats
    from ui.datasets.tab import build_datasets_tab

    assert PREFS.label == "embedded/prefs" and load_source(PREFS)["train"].num_rows == 360
    assert DatasetSource.from_dict({"kind": "sample", "name": "prefs"}) == PREFS  # the API names it too
    with gr.Blocks():
        tab = build_datasets_tab(gr.State())
    shown = load_dataset(tab, SOURCE_PREFS, "", "", "", None, 3, 0)
    drawn = shown[tab.chat_html]
    assert drawn.visible and drawn.value.count('class="fts-pair"') == 3 and "fts-conv" not in drawn.value
    assert shown[tab.source_json] == {"kind": "sample", "name": "prefs"}
    again = sampled_chats(shown[tab.selection], shown[tab.sample_df].iloc[:1])
    assert again.value.count('class="fts-pair"') == 1
    reviews = load_dataset(tab, "sample", "", "", "", None, 3, 0)
    assert reviews[tab.chat_html].visible is False  # the reviews are neither chats nor pairs
