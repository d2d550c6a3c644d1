"""Raw request bodies (CV and document uploads), read no further than their limit."""

from __future__ import annotations

from fastapi import Request

from shared.errors import TooLarge


async def read_bounded(request: Request, limit: int, field: str) -> bytes:
    """The body, or 413 naming ``field`` as soon as it passes ``limit`` bytes (a declared
    Content-Length over the limit is refused before anything is read)."""
    declared = request.headers.get("content-length", "")
    body = bytearray()
    if not (declared.isdigit() and int(declared) > limit):
        async for chunk in request.stream():
            body.extend(chunk)
            if len(body) > limit:
                break
        else:
            return bytes(body)
    raise TooLarge(
        field,
        f"{field}_too_large",
        zh=f"文件不能超过 {limit} 字节",
        en=f"the file must not exceed {limit} bytes",
    )
