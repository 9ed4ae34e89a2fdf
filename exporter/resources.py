"""The one resolver for local resources: files inside the input's folder or --media, never the network."""

from __future__ import annotations

import hashlib
import mimetypes
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

IMAGE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}
_UPLOADS = re.compile(r"/wp-content/uploads/(.+)$")


@dataclass
class Resolver:
    """Maps URLs found in an input to local files under a fixed set of allowed folders.

    ``roots`` are the only folders files may come from (the input's folder, --media).
    ``media_dir`` mirrors ``wp-content/uploads``. Refused URLs are recorded in ``refused``.
    """

    roots: list[Path]
    media_dir: Path | None = None
    refused: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.roots = [r.resolve() for r in self.roots]
        if self.media_dir is not None:
            self.media_dir = self.media_dir.resolve()
            if self.media_dir not in self.roots:
                self.roots.append(self.media_dir)

    def is_allowed(self, path: Path) -> bool:
        """True when ``path`` (after following links) lies inside one of the roots."""
        real = path.resolve()
        return any(real.is_relative_to(root) for root in self.roots) and real.is_file()

    def resolve(self, url: str, base_dir: Path | None) -> Path | None:
        """The local file an image URL stands for, or None (never fetched, never outside the roots)."""
        url = url.strip()
        if not url or url.startswith("data:"):
            return None
        parts = urlsplit(url)
        candidates: list[Path] = []
        if parts.scheme in ("", "file") and not parts.netloc:
            raw = unquote(parts.path)
            if raw:
                p = Path(raw)
                candidates.append(p if p.is_absolute() else (base_dir or Path.cwd()) / p)
        if self.media_dir is not None:
            m = _UPLOADS.search(unquote(parts.path))
            if m:
                candidates.append(self.media_dir / m.group(1))
        for cand in candidates:
            try:
                if self.is_allowed(cand):
                    return cand.resolve()
            except OSError:
                continue
        self.refused.append(url)
        return None


def media_type(path: Path) -> str | None:
    """The image media type for a file name, or None when it is not an image we embed."""
    return IMAGE_TYPES.get(path.suffix.lower()) or (
        t if (t := mimetypes.guess_type(path.name)[0]) and t.startswith("image/") else None
    )


def image_key(path: Path) -> str:
    """A stable, safe name for an embedded image: 'images/<content-hash8>-<name>'."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:8]
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", path.name).strip("-.") or "image"
    return f"images/{digest}-{stem}"
