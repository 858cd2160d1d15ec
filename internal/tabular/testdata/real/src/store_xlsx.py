# Loads a spreadsheet in a running LibreOffice (in a window, under Xvfb)
# and stores it as xlsx. The window matters: LibreOffice's xlsx export takes
# the displayed sheet from the view, and without one it takes the first
# sheet and writes it visible, so a hidden first sheet would come out
# visible. Usage: python3 store_xlsx.py PIPE IN.fods OUT.xlsx DATA-SHEET
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


pipe, src, dst, data_sheet = sys.argv[1:5]
local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
for _ in range(100):
    try:
        ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
        break
    except Exception:
        time.sleep(0.2)
else:
    sys.exit("store_xlsx: LibreOffice did not start")
desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0, ())
if doc is None:
    sys.exit("store_xlsx: cannot load " + src)
sheets = doc.Sheets
doc.CurrentController.setActiveSheet(sheets.getByName(data_sheet))
for i in range(sheets.Count):
    s = sheets.getByIndex(i)
    print("store_xlsx: sheet %s visible=%s" % (s.Name, s.IsVisible))
doc.storeToURL(uno.systemPathToFileUrl(dst), (prop("FilterName", "Calc Office Open XML"),))
doc.close(True)
try:
    desktop.terminate()
except Exception:
    pass  # the bridge goes away as LibreOffice quits
