"""Files received as a stream: the bytes are kept only up to a limit, so that an oversized
upload costs neither memory nor storage; its size, hash and first kilobyte are kept for audit."""

import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler

HEAD_BYTES = 1024
CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class Streamed:
    """What was received: ``data`` is the whole file, or ``None`` above the limit."""

    data: bytes | None
    head: bytes
    size: int
    sha256: str


class _Accumulator:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.buffer = bytearray()
        self.head = b""
        self.size = 0
        self.hash = hashlib.sha256()

    def add(self, chunk: bytes) -> None:
        if len(self.head) < HEAD_BYTES:
            self.head = (self.head + chunk[:HEAD_BYTES])[:HEAD_BYTES]
        self.size += len(chunk)
        self.hash.update(chunk)
        if self.size <= self.limit:
            self.buffer += chunk
        elif self.buffer:
            self.buffer = bytearray()  # past the limit: nothing more is held

    def result(self) -> Streamed:
        whole = bytes(self.buffer) if self.size <= self.limit else None
        return Streamed(data=whole, head=self.head, size=self.size, sha256=self.hash.hexdigest())


def stream_limited(chunks: Iterable[bytes], *, limit: int) -> Streamed:
    accumulator = _Accumulator(limit)
    for chunk in chunks:
        accumulator.add(chunk)
    return accumulator.result()


def read_chunks(stream: Any) -> Iterable[bytes]:
    while chunk := stream.read(CHUNK_BYTES):
        yield chunk


class LimitedUploadHandler(FileUploadHandler):
    """A multipart upload handler that holds each file up to ``limit`` bytes in memory; the
    uploaded file carries its ``Streamed`` as ``streamed`` (only the head above the limit)."""

    def __init__(self, request: Any = None, *, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.accumulator = _Accumulator(limit)

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.accumulator = _Accumulator(self.limit)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.accumulator.add(raw_data)

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        streamed = self.accumulator.result()
        content = streamed.data if streamed.data is not None else streamed.head
        upload = InMemoryUploadedFile(
            file=io.BytesIO(content),
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=streamed.size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
        upload.streamed = streamed  # type: ignore[attr-defined]
        return upload
