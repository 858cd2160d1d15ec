#!/usr/bin/env bash
# Regenerates the fixtures of this directory from src/ with LibreOffice
# (Debian's libreoffice-calc 7.4, python3-uno, xvfb). Not run by the tests
# or CI: the outputs are committed, and a newer LibreOffice may write
# different (equally valid) files; the tests then say what changed.
#   apt-get install -y libreoffice-calc python3-uno xvfb xauth
set -euo pipefail
cd "$(dirname "$0")"
out=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
profile="file://$work/profile"
# A Chinese desktop: LibreOffice takes its locale from LANG (no system
# locale needed), and the locale decides the date formats written.
so() { LANG=zh_CN.UTF-8 soffice -env:UserInstallation="$profile" --headless --norestore "$@"; }

# CSV import options (LibreOffice's CSV filter tokens): separator 44 (,),
# text delimiter 34 ("), charset 76 (UTF-8), first line 1, no column
# formats (Standard: numbers and dates are recognized, as when a user
# opens a CSV in a spreadsheet), language 2052 (zh-CN) or 1033 (en-US)
# for the date patterns.
cp src/members.csv src/enterprises_en.csv "$work/"
so --infilter="CSV:44,34,76,1,,2052" --convert-to xlsx --outdir "$work/x" "$work/members.csv"
so --infilter="CSV:44,34,76,1,,1033" --convert-to xlsx --outdir "$work/x" "$work/enterprises_en.csv"
cp "$work/x/members.xlsx" "$work/x/enterprises_en.xlsx" "$out/"

# The members register saved back as CSV in GB18030 (charset 85), no BOM,
# as spreadsheets on Chinese Windows save CSV: cells as shown, so the ID
# that became a number is written 3.30106198001011E+017, and dates in the
# zh-CN short format with a two-digit year (14年7月1日).
so --convert-to 'csv:Text - txt - csv (StarCalc):44,34,85,1' --outdir "$work/gb" "$out/members.xlsx"
cp "$work/gb/members.csv" "$out/members_gb18030.csv"

# The enterprise register from its flat ODS source, stored through a
# LibreOffice window under Xvfb (see store_xlsx.py: the hidden first sheet).
# /usr/bin/python3: Debian's, which has the uno module (python3-uno).
cp src/enterprises.fods "$work/"
pipe="redgrid_fixtures_$$"
LANG=zh_CN.UTF-8 xvfb-run -a sh -c '
  soffice -env:UserInstallation="$1" --norestore --nologo --accept="pipe,name=$2;urp;" &
  so=$!
  /usr/bin/python3 "$3/src/store_xlsx.py" "$2" "$4/enterprises.fods" "$3/enterprises.xlsx" 企业名录 ||
    { kill "$so"; exit 1; }
  wait "$so"
' sh "$profile-gui" "$pipe" "$out" "$work"

# A file that is not xlsx or CSV, from the same program: the register as
# ODS (a zip, like xlsx).
so --convert-to ods --outdir "$work/o" "$out/enterprises_en.xlsx"
cp "$work/o/enterprises_en.ods" "$out/enterprises_en.ods"

soffice --version
ls -l "$out"
