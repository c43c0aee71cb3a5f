"""`respond()` over the kept-alive connections: a click's private answer to its response_url.

Bolt's `Respond` builds a new slack_sdk `WebhookClient` for every answer, which opens a new
connection (DNS lookup, TCP and TLS handshake) and closes it after, as the Web API client did
before bot.slack.client pooled it. Every click on a channel post is answered this way (the post
stays as it is for the others), as is every refusal and "not saved, click again".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.request import Request

from slack_bolt import Respond
from slack_bolt.context.respond.internals import _build_message
from slack_sdk.models.attachments import Attachment
from slack_sdk.models.blocks import Block
from slack_sdk.webhook import WebhookClient, WebhookResponse

from bot.slack.client import SlackConnections


class PooledWebhookClient(WebhookClient):
    """slack_sdk's WebhookClient, its retries as they are, over SlackConnections."""

    def __init__(self, url: str, *, connections: SlackConnections, **kwargs: Any) -> None:
        super().__init__(url, **kwargs)
        self.connections = connections

    def _perform_http_request_internal(self, url: str, req: Request) -> WebhookResponse:
        if self.proxy is not None:
            answered: WebhookResponse = super()._perform_http_request_internal(url, req)
            return answered
        # A 4xx or 5xx raises urllib's HTTPError, as urlopen did: slack_sdk handles it as before.
        answer = self.connections.send(url, req, timeout=self.timeout)
        return WebhookResponse(url=url, status_code=answer["status"], body=answer["body"],
                               headers=dict(answer["headers"]))


class PooledRespond(Respond):
    """Bolt's `respond()`, the same message built from the same arguments, sent on kept
    connections."""

    def __init__(self, *, response_url: str | None, connections: SlackConnections) -> None:
        super().__init__(response_url=response_url)
        self.connections = connections

    def __call__(
        self, text: str | dict[Any, Any] = "",
        blocks: Sequence[dict[Any, Any] | Block] | None = None,
        attachments: Sequence[dict[Any, Any] | Attachment] | None = None,
        response_type: str | None = None, replace_original: bool | None = None,
        delete_original: bool | None = None, unfurl_links: bool | None = None,
        unfurl_media: bool | None = None, thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> WebhookResponse:
        if self.response_url is None:
            raise ValueError("respond is unsupported here as there is no response_url")
        message = (_build_message(**text) if isinstance(text, dict) else _build_message(
            text=text, blocks=blocks, attachments=attachments, response_type=response_type,
            replace_original=replace_original, delete_original=delete_original,
            unfurl_links=unfurl_links, unfurl_media=unfurl_media, thread_ts=thread_ts,
            metadata=metadata))
        return PooledWebhookClient(self.response_url,
                                   connections=self.connections).send_dict(message)
