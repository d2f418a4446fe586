"""ui.binding.bind: a bound handler that changes nothing leaves every output as it was (no red "Error")."""

import asyncio

import gradio as gr

from ui.binding import bind


def _event(handler, outputs):
    with gr.Blocks() as demo:
        boxes = [gr.Textbox(value=f"kept {i}") for i in range(outputs)]
        button = gr.Button()
        button.click(handler, None, boxes)
    return demo, next(iter(demo.fns.values())), boxes


def test_an_empty_answer_skips_every_output_instead_of_failing():
    def handler(tab, request: gr.Request = None) -> dict:
        return {}

    for outputs in (1, 3):
        demo, block_fn, _ = _event(bind(handler, "tab"), outputs)
        out = asyncio.run(demo.postprocess_data(block_fn, block_fn.fn(), None))
        assert len(out) == outputs and all(o == {"__type__": "update"} for o in out)
    unbound, block_fn, _ = _event(lambda: {}, 3)  # what it guards against: Gradio itself refuses {}
    try:
        asyncio.run(unbound.postprocess_data(block_fn, block_fn.fn(), None))
    except ValueError as err:
        assert "didn't return enough output values" in str(err)
    else:
        raise AssertionError("Gradio accepted an empty dict: the guard in bind may be unnecessary")


def test_a_dict_of_updates_still_reaches_its_components():
    def handler(tab, request: gr.Request = None) -> dict:
        return {tab["box"]: "new"}

    with gr.Blocks() as demo:
        box, other = gr.Textbox(), gr.Textbox(value="kept")
        gr.Button().click(bind(handler, {"box": box}), None, [box, other])
    block_fn = next(iter(demo.fns.values()))
    out = asyncio.run(demo.postprocess_data(block_fn, block_fn.fn(), None))
    assert out[0] == "new" and out[1] == {"__type__": "update"}
