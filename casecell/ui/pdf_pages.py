"""PDF pages as images, in memory (PDFium): the minutes preview and printing leave no file.

Qt's own PDF module is in the large PySide6-Addons; pypdfium2 renders what ReportLab wrote,
exactly as a PDF reader would show it. Safe to call off the UI thread (QImage only).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage, QPainter

from casecell.errors import KnownError, from_os_error
from casecell.fileio import private_open
from casecell.i18n import _

if TYPE_CHECKING:  # Qt's printing module loads when something is printed, not at start-up
    from PySide6.QtPrintSupport import QPrinter


def page_images(data: bytes, dpi: float) -> list[QImage]:
    import pypdfium2 as pdfium  # imported when a preview is asked for, not at start-up

    document = pdfium.PdfDocument(data)
    try:
        images = []
        for index in range(len(document)):
            page = document[index]
            bitmap = page.render(scale=dpi / 72, force_bitmap_format=pdfium.raw.FPDFBitmap_BGRx)
            image = QImage(
                bytes(bitmap.buffer),
                bitmap.width,
                bitmap.height,
                bitmap.stride,
                QImage.Format.Format_RGB32,
            )
            images.append(image.copy())  # own the pixels: the buffer goes with the bitmap
            bitmap.close()
            page.close()
        return images
    finally:
        document.close()


def print_images(printer: QPrinter, images: list[QImage]) -> None:
    """Each image on its own sheet, scaled to the printable area.

    Printed to a file, that file is made ``0600`` first: Qt keeps the mode of what it overwrites.
    """
    if printer.outputFileName():
        target = Path(printer.outputFileName())
        try:
            private_open(target).close()
        except OSError as exc:
            raise from_os_error(exc, target) from exc
    painter = QPainter()
    if not painter.begin(printer):
        raise KnownError(_("The printer cannot be used: check it and try again."))
    try:
        for number, image in enumerate(images):
            if number:
                printer.newPage()
            area = painter.viewport()
            size = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRect(area.x(), area.y(), size.width(), size.height()), image)
    finally:
        painter.end()
