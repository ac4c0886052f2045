#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# fuzz/seed-corpus-export.sh - (re)write the hand-written seed inputs
# (case-*) of vmon-export's configuration parsers' fuzz targets:
# export_yaml, export_procnames, export_webconfig.  What `make fuzz-merge`
# added is left alone.  Run it from anywhere; commit the result.
set -euo pipefail

cd "$(dirname "$0")/.."
C=fuzz/corpus
for t in export_yaml export_procnames export_webconfig; do
	mkdir -p "$C/$t"
	rm -f "$C/$t"/case-*
done

seed() { printf '%s' "$3" > "$C/$1/case-$2"; }

# process-exporter's documented examples, and their hazards
procnames_doc='process_names:
  - name: "{{.Comm}}"
    cmdline:
    - .+
'
procnames_full='# every kind of rule
---
process_names:
  - comm: [bash, zsh]
  - name: "{{.ExeBase}}:{{.Username}}"
    exe:
      - /usr/bin/python3
      - perl
  - name: "prom;{{.Matches.cfg}};{{ .PID }};{{.Cgroups}}"
    cmdline: ['"'"'prometheus\s+--config.file=(?P<cfg>\S+)'"'"']
  - name: "{{.ExeFull}}"
    cmdline: ["a\tb\u00e9\x41", '"'"'it'"''"'s'"'"']
...
'
for t in export_yaml export_procnames; do
	seed $t doc "$procnames_doc"
	seed $t full "$procnames_full"
	seed $t flow-open 'process_names: [a, [b'
	seed $t anchors 'process_names:
  - &x
    comm: [a]
  - *x
'
	seed $t tabs 'process_names:
	- comm: [a]
'
	seed $t deep "$(for i in $(seq 0 20); do printf '%*sk%d:\n' $((i * 2)) '' $i; done)"
	seed $t seq-same-indent 'process_names:
- comm:
  - a
- cmdline:
  - (?P<x>a)(?P<x>b)
'
	seed $t quotes "process_names:
  - name: '{{.Matches.x'
    cmdline: [\"(?P<x>.\\\\d*)\", '\\\\', \"\\\\u0000\", \"\\\\xZZ\"]
"
	seed $t backtrack 'process_names:
  - cmdline: ["(a+)+$", "(?:x|x)*y", "\\S+\\s+(?P<n>\\w+)"]
'
done
seed export_yaml scalars 'a: 1
b: "two # not a comment" # a comment
c: '"'"'three'"'"'
"d e": [x, "y", '"'"'z'"'"']
e:
f: {}
g:
  - - nested
    - seq
  - key: v
    other: w
'

# the web configuration file
seed export_webconfig tls 'tls_server_config:
  cert_file: server.crt
  key_file: /etc/vmon/server.key
  min_version: TLS12
  max_version: TLS13
  client_auth_type: NoClientCert
'
seed export_webconfig users 'basic_auth_users:
  alice: $2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi
  bob: "$2b$10$abcdefghijklmnopqrstuuMc1K3HjI7Pa.RP6e0Gz1gmHCoSahU2W"
  eve: plaintext
'
seed export_webconfig refused 'tls_server_config:
  cert_file: a
  key_file: b
  client_auth_type: RequireAndVerifyClientCert
  cipher_suites: [TLS_AES_128_GCM_SHA256]
http_server_config:
  http2: false
'
seed export_webconfig versions 'tls_server_config:
  cert_file: a
  key_file: b
  min_version: TLS13
  max_version: TLS10
'
