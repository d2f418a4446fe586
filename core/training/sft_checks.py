"""What an SFT run checks before it queues, and the chat template it trains with.

The mistakes issue 23 names (a tokenizer with no template and none chosen, assistant-only loss on a template without
`{% generation %}` markers, answers that max_length always cuts, a column that is not a conversation) each get a
message naming the fix while the visitor still sees the form, not a stack trace minutes later in the training
process. Every check reads a bounded part of the data (CHECKED_ROWS), so a request never costs more than a few
conversations' worth of tokenizing.
"""

from __future__ import annotations

from core.data.conversations import check_format, row_to_messages
from core.messages import UserError
from core.tokenizer.chat_masks import trained_tokens
from core.tokenizer.chat_template import DEFAULT_TEMPLATE_NAME, add_chat_template

CHECKED_ROWS = 32  # conversations tokenized before a run queues: enough to see that every answer is cut


def fit_chat_template(config, tokenizer) -> list[str]:
    """The run's template on its tokenizer: ChatML when chat_template is chatml (its turn tokens added when
    missing; the model's embeddings grow by as many, core.model.checkpoints.fit_pad_token), else the model's own."""
    return add_chat_template(tokenizer) if config.chat_template == "chatml" else []


def check_chat_tokenizer(config, tokenizer) -> None:
    """A template to lay out conversations with, and one that marks what assistant-only loss trains."""
    if not tokenizer.chat_template:
        raise UserError("{model} has no chat template, so SFT cannot lay out its conversations - set chat_template "
                        "to chatml ({default}, whose two turn tokens are added) or choose a chat model",
                        model=config.model, default=DEFAULT_TEMPLATE_NAME)
    if config.sft_loss != "assistant_only":
        return
    from trl.chat_template_utils import get_training_chat_template, has_generation_markers  # slow import

    if has_generation_markers(tokenizer.chat_template):
        return
    try:
        get_training_chat_template(tokenizer)  # TRL swaps in a marked version of the templates it knows
    except ValueError as err:
        raise UserError("sft_loss: assistant_only needs {{% generation %}} markers in the chat template, and the "
                        "template of {model} has none - choose sft_loss completion_only, or set chat_template to "
                        "chatml", model=config.model) from err


def conversations_of(dataset, text_column: str):
    """The rows as they are read for SFT: a column of turns named by text_column becomes `messages`; the columns
    must then have one of the conversational formats (core.data.conversations), else the message names the fix."""
    columns = dataset.column_names
    if text_column and text_column != "messages" and text_column in columns and "messages" not in columns \
            and len(dataset) and isinstance(dataset[0][text_column], list):
        dataset = dataset.rename_column(text_column, "messages")
    try:
        check_format(dataset.column_names)
    except UserError as err:
        raise UserError("text_column: {column!r} is not a conversation, and the columns {columns} have none - for "
                        "sft choose a dataset with a messages column (role / content turns), prompt + completion, "
                        "or instruction + output, e.g. the embedded chat set",
                        column=text_column, columns=", ".join(map(str, columns))) from err
    return dataset


def check_data(config, tokenizer) -> None:
    """Before a run queues: the train split is conversational and max_length leaves its answers something to train."""
    from core.data.loading import load_source  # reads the data (cached, as the Datasets tab does)

    dsd = load_source(config.dataset)
    if config.train_split not in dsd:
        raise UserError("{field}: split {split!r} not found - choose one of {choices}", field="train_split",
                        split=config.train_split, choices=", ".join(dsd))
    check_answers_fit(config, tokenizer, conversations_of(dsd[config.train_split], config.text_column))


def check_answers_fit(config, tokenizer, dataset) -> None:
    """Refuse a max_length that cuts every answer of the first CHECKED_ROWS conversations (TRL drops such rows: the
    run would learn nothing), naming the max_length that keeps them."""
    fmt = check_format(dataset.column_names)
    rows = dataset.select(range(min(len(dataset), CHECKED_ROWS)))
    needed = []
    for number, row in enumerate(rows, start=1):
        shown = trained_tokens(tokenizer, row_to_messages(row, fmt, number), config.sft_loss, config.max_length)
        if any(shown["trained"]):
            return
        needed.append(len(shown["ids"]))
    if needed:
        raise UserError("max_length: {max_length} cuts every answer of the first {count} conversations, so no "
                        "assistant token would be trained - raise max_length to {needed} or more",
                        max_length=config.max_length, count=len(needed), needed=min(needed))
