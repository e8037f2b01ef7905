"""Files received as a stream: the bytes are kept only up to a limit, so that an oversized
upload costs neither memory nor storage; its size, hash and first kilobyte are kept for audit.

What is kept is spooled: in memory up to ``SPOOL_MEMORY_BYTES``, in a temporary file beyond, so
that a 100 MB payment document posted to the API or the upload page costs a megabyte of memory,
not a hundred (the importer reads it a chunk at a time)."""

import hashlib
import io
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, BinaryIO, cast

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

HEAD_BYTES = 1024
CHUNK_BYTES = 64 * 1024
SPOOL_MEMORY_BYTES = 1 << 20


@dataclass(frozen=True)
class Streamed:
    """What was received: ``file`` holds the whole file, read from its start, or is ``None``
    above the limit. Whoever reads it closes it (a temporary file is removed then)."""

    file: BinaryIO | None
    head: bytes
    size: int
    sha256: str


class _Accumulator:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        # Kept open: the spool is the result, closed by whoever reads it.
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES)  # noqa: SIM115
        self.spool: BinaryIO | None = cast(BinaryIO, spool)
        self.head = b""
        self.size = 0
        self.hash = hashlib.sha256()

    def add(self, chunk: bytes) -> None:
        if len(self.head) < HEAD_BYTES:
            self.head = (self.head + chunk[:HEAD_BYTES])[:HEAD_BYTES]
        self.size += len(chunk)
        self.hash.update(chunk)
        if self.spool is None:
            return
        if self.size <= self.limit:
            self.spool.write(chunk)
        else:  # past the limit: nothing more is kept, and what was is let go
            self.spool.close()
            self.spool = None

    def result(self) -> Streamed:
        if self.spool is not None:
            self.spool.seek(0)
        return Streamed(
            file=self.spool, head=self.head, size=self.size, sha256=self.hash.hexdigest()
        )


def stream_limited(chunks: Iterable[bytes], *, limit: int) -> Streamed:
    accumulator = _Accumulator(limit)
    for chunk in chunks:
        accumulator.add(chunk)
    return accumulator.result()


def read_chunks(stream: Any) -> Iterable[bytes]:
    while chunk := stream.read(CHUNK_BYTES):
        yield chunk


class LimitedUploadHandler(FileUploadHandler):
    """A multipart upload handler that keeps each file up to ``limit`` bytes, spooled; the
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

    def file_complete(self, file_size: int) -> UploadedFile:
        streamed = self.accumulator.result()
        upload = UploadedFile(
            file=streamed.file if streamed.file is not None else io.BytesIO(streamed.head),
            name=self.file_name,
            content_type=self.content_type,
            size=streamed.size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
        upload.streamed = streamed  # type: ignore[attr-defined]
        return upload
