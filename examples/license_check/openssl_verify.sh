#!/usr/bin/env bash
# A license file written by isv-admin verifies with openssl against the PEM isv-admin exports, and
# with license_check; a changed byte does not; the private key is kept in a 0600 file and never printed.
#   openssl_verify.sh ISV_ADMIN LICENSE_CHECK
set -euo pipefail
admin=$1
check=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/isv-openssl.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "openssl_verify: $*" >&2; exit 1; }

"$admin" --generate-key "$work/publisher.key" > "$work/generated.pem"
[ "$(stat -c %a "$work/publisher.key")" = 600 ] || fail "the key file's mode is $(stat -c %a "$work/publisher.key"), not 600"
openssl pkey -in "$work/publisher.key" -noout || fail "openssl does not read the key file as a private key"
"$admin" --generate-key "$work/publisher.key" > /dev/null 2>&1 && fail "--generate-key overwrote an existing key file"

cat > "$work/session.jsonl" <<'LINES'
{"tenant": "1", "actor": "7", "op": "create_tenant", "args": {"name": "Contoso", "region": "DE"}, "at": "2026-01-15T09:00:00Z"}
{"op": "add_app", "args": {"id": "3", "name": "Contoso Sign", "publisher": "Fabrikam", "kind": "saas", "pricing": "per_user", "monthly_price": {"minor_units": 1000, "currency": "EUR"}, "annual_price": {"minor_units": 10000, "currency": "EUR"}, "install_link": null}}
{"tenant": "1", "actor": "7", "op": "add_users", "args": {"users": ["20", "21"]}, "at": "2026-01-15T09:00:00Z"}
{"tenant": "1", "actor": "7", "op": "create_billing_profile", "args": {"profile": "50", "name": "Main", "contact": {"name": "Alex", "address": "Berlin"}}, "at": "2026-01-15T09:00:00Z"}
{"tenant": "1", "actor": "7", "op": "purchase", "args": {"subscription": "100", "app": "3", "channel": "direct", "term": "monthly", "quantity": 5, "agreement_accepted": true, "billing_profile": "50", "auto_renew": true}, "at": "2026-01-15T09:00:00Z"}
{"tenant": "1", "actor": "7", "op": "activate", "args": {"subscription": "100"}, "at": "2026-01-15T09:00:00Z"}
{"tenant": "1", "actor": "7", "op": "assign", "args": {"subscription": "100", "users": ["20"], "groups": []}, "at": "2026-01-15T09:00:00Z"}
{"tenant": "1", "op": "issue_license_file", "args": {"subscription": "100", "user": "20", "lifetime_days": 7}, "at": "2026-01-15T09:00:00Z"}
{"op": "public_key"}
LINES
"$admin" --memory --platform --signing-key "$work/publisher.key" --key-id contoso-2026 < "$work/session.jsonl" > "$work/out.jsonl" 2> "$work/err.txt" ||
  fail "isv-admin failed: $(cat "$work/err.txt")"
if grep -q "PRIVATE KEY" "$work/out.jsonl" "$work/err.txt" "$work/generated.pem"; then fail "isv-admin printed the private key"; fi

python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
lines = [json.loads(l) for l in open(f"{work}/out.jsonl")]
for l in lines:
    if not l.get("ok"):
        sys.exit(f"a line was refused: {l}")
open(f"{work}/license.lic", "w").write(lines[-2]["value"]["file"])
open(f"{work}/public.pem", "w").write(lines[-1]["value"]["pem"])
PY
cmp -s "$work/public.pem" "$work/generated.pem" || fail "public_key differs from the key --generate-key printed"

# The file's parts, with standard tools: the payload's lines, then the signature line.
sed -n '2,/^Key-Id: /p' "$work/license.lic" | sed '$d' | tr -d '\n' | base64 -d > "$work/payload.json"
sed -n 's/^Signature: //p' "$work/license.lic" | base64 -d > "$work/signature.bin"
[ "$(wc -c < "$work/signature.bin")" = 64 ] || fail "the signature is not 64 bytes"
grep -q '"user":20' "$work/payload.json" || fail "the payload does not name user 20: $(cat "$work/payload.json")"
openssl pkeyutl -verify -pubin -inkey "$work/public.pem" -rawin -in "$work/payload.json" -sigfile "$work/signature.bin" ||
  fail "openssl did not verify the file's signature"

# One changed byte of the payload, and openssl refuses it too.
sed 's/"user":20/"user":21/' "$work/payload.json" > "$work/changed.json"
if openssl pkeyutl -verify -pubin -inkey "$work/public.pem" -rawin -in "$work/changed.json" -sigfile "$work/signature.bin" >/dev/null 2>&1; then
  fail "openssl verified a changed payload"
fi

# The app's own check, with the exported key added as after a rotation.
"$check" "$work/license.lic" --key "contoso-2026=$work/public.pem" --at 2026-01-16T00:00:00Z | grep -q '^may use: user 20 of tenant 1' ||
  fail "license_check did not accept the file"
echo "openssl and license_check verify the file isv-admin wrote"
