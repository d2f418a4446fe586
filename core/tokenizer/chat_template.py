"""Chat templates: how a conversation becomes the text a chat model reads, and which tokens mark its turns.

A chat template is a Jinja program stored with the tokenizer (`tokenizer.chat_template`); `apply_chat_template`
runs it. The tiny GPT gets ChatML, the layout SmolLM2 and Qwen use, with TRL's `{% generation %}` markers around
what the assistant writes (its answer and its end-of-turn token), so assistant-only loss can find those tokens.
A tokenizer without a template is shown with the same ChatML as a default, and told so (core.tokenizer.chat_masks).
"""

from __future__ import annotations

import copy

from core.data.conversations import check_messages

START_OF_TURN = "<|im_start|>"
END_OF_TURN = "<|im_end|>"
DEFAULT_TEMPLATE_NAME = "ChatML"
# ChatML with generation markers. The newline after <|im_end|> sits outside the markers, as in TRL's training
# templates: the model learns to stop at <|im_end|>, and the newline belongs to the layout between turns.
CHATML_TEMPLATE = (
    "{%- for message in messages %}"
    "{{- '<|im_start|>' + message['role'] + '\\n' }}"
    "{%- if message['role'] == 'assistant' %}"
    "{%- generation %}{{- message['content'] + '<|im_end|>' }}{%- endgeneration %}{{- '\\n' }}"
    "{%- else %}{{- message['content'] + '<|im_end|>\\n' }}{%- endif %}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}"
)


def add_chat_template(tokenizer) -> list[str]:
    """Give a tokenizer ChatML: its two turn markers as special tokens (never split, never merged) and the
    template. Returns the tokens it added (the model's embeddings must grow by as many)."""
    missing = [t for t in (START_OF_TURN, END_OF_TURN) if t not in tokenizer.get_vocab()]
    if missing:
        tokenizer.add_special_tokens({"additional_special_tokens": missing}, replace_extra_special_tokens=False)
    tokenizer.chat_template = CHATML_TEMPLATE
    return missing


def with_template(tokenizer) -> tuple[object, bool]:
    """The tokenizer as it renders chats: itself when it has a template, else a copy given ChatML (the
    original is shared and stays untouched). The flag says whether the default was used."""
    if getattr(tokenizer, "chat_template", None):
        return tokenizer, False
    borrowed = copy.deepcopy(tokenizer)
    add_chat_template(borrowed)
    return borrowed, True


def render_chat(tokenizer, messages, add_generation_prompt: bool = False, chat_template: str | None = None) -> str:
    """The text the model reads for a conversation; with add_generation_prompt, the header that asks for the
    assistant's next turn is appended (what generation starts from)."""
    turns = check_messages(messages)
    return tokenizer.apply_chat_template(turns, tokenize=False, add_generation_prompt=add_generation_prompt,
                                         chat_template=chat_template)


def template_special_tokens(tokenizer, ids: list[int]) -> list[dict]:
    """The special tokens a rendered chat contains, in order of first use, with what the tokenizer calls them
    (bos, eos, pad...) so a learner can tell the end-of-turn token from the end-of-text one."""
    roles = {}
    for attribute in ("bos_token", "eos_token", "pad_token", "unk_token"):
        token = getattr(tokenizer, attribute, None)
        if token:
            roles.setdefault(token, []).append(attribute.removesuffix("_token"))
    special = set(tokenizer.all_special_ids) | set(tokenizer.get_added_vocab().values())
    found, seen = [], set()
    for token_id in ids:
        if token_id in special and token_id not in seen:
            seen.add(token_id)
            token = tokenizer.convert_ids_to_tokens(token_id)
            found.append({"token": token, "id": token_id, "roles": roles.get(token, [])})
    return found


def token_roles(tokenizer, text: str, ids: list[int], messages: list[dict]) -> list[str]:
    """Each token's turn: the role of the message whose content it belongs to, or 'template' for the markup the
    template adds (turn markers, role names, newlines). Found by the tokens' character offsets."""
    encoded = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    if list(encoded["input_ids"]) != list(ids):  # a template that tokenizes apart from its text: no roles known
        return ["template"] * len(ids)
    spans, cursor = [], 0
    for message in messages:
        content = message["content"]
        start = text.find(content, cursor)
        if start < 0:  # the template rewrote the content (Llama's trims it): find what is left
            content = content.strip()
            start = text.find(content, cursor)
        if start >= 0:
            spans.append((start, start + len(content), message["role"]))
            cursor = start + len(content)
    return [_role_at(spans, start, end) for start, end in encoded["offset_mapping"]]


def _role_at(spans: list[tuple[int, int, str]], start: int, end: int) -> str:
    for span_start, span_end, role in spans:
        if start < span_end and end > span_start:
            return role
    return "template"
