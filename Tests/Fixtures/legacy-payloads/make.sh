#!/bin/sh
# How this fixture was made, with the accord built from commit a98d4c6 (before payload
# version 2, events in the legacy shape):
#   ACCORD=/path/to/accord OUT=/tmp/legacy TEMPLATES=/abs/Templates SHARED=/abs/shared sh make.sh
#   sqlite3 /tmp/legacy/accord.sqlite .dump > accord.sql
#   xxd -p -c 64 /tmp/legacy/chain.key > chain.key.hex
#   cp /tmp/legacy/S?.json .
set -eu
A=${ACCORD:?the accord binary}
D=${OUT:?an empty folder}; mkdir -p $D; cd $D
export ACCORD_DB=$D/accord.sqlite ACCORD_KEY_FILE=$D/chain.key ACCORD_NOW=2026-03-02T09:30:00Z
export ACCORD_TEMPLATES=${TEMPLATES:?the Templates folder}
$A centre set --oid-root 1.2.250.1.999.7 --finess 690000880 --name "Centre exemple" \
  --address "28 rue Laennec, 69008 LYON" --facility-code SA36 --practice-setting ETABLISSEMENT
S=$($A session start --patient-ins 158056912345606 --ins-oid 1.2.250.1.213.1.4.10 \
  --family-name "MARCHAND-D'ESTE" --given-names "LUC JEAN-BAPTISTE" --birth-date 1958-05-17 \
  --sex M --birthplace 69123 --clinician-id 810123456781 --clinician-name "Dr Hélène Roussel" \
  --topic "Cancer de la prostate localisé" --condition "Adénocarcinome de la prostate" \
  --ipp IPP-77 --ipp-root 1.2.250.1.999.7.2 --used-given-name Jean)
$A participant add $S --role trusted-person --name "Anne Marchand"
$A option add $S --kind active-surveillance --label "Surveillance active" --benefit "Évite les effets indésirables d'un traitement" --harm "Biopsies répétées"
$A option add $S --kind treatment --label "Prostatectomie totale"
$A option add $S --kind clinical-trial --label "Essai" --trial-id NCT00000000
$A preference add $S --text "Garder une continence normale" --importance 5
$A preference add $S --text "Voyager"
$A phase $S team
$A process aid $S --name "Aide à la décision" --version 2
$A process understanding $S --method reformulation
$A process reflection $S --until 2026-03-16
$A process trial $S --eligibility eligible --offered yes --answer declined
$A instrument record $S --instrument sdm-q-9 --answers 5,4,5,3,4,5,5,4,-
$A instrument record $S --instrument cps-preferred --answers C
$A decision record $S --agreed 1 --by P1 P2 P3
$A note add $S --text "Souhaite en parler à son médecin traitant"
$A session close $S
$A export $S --profile cda-fr --out $D/out --schemas ${SHARED:?the shared folder}/schemas
$A note add $S --text "Appel reçu" --reason "appel reçu après la consultation"
$A entry withdraw $S M2 --reason "mal compris"
$A patient correct $S --family-name "MARCHAND" --reason "erreur de saisie"
T=$($A session start --family-name "DUPONT" --given-names "MARIE" --birth-date 1970-01-02 --sex F --birthplace 75056 \
  --ipp IPP-8 --ipp-root 1.2.250.1.999.7.2 --identity-status provisional --patient-absent \
  --clinician-id 810123456781 --clinician-name "Dr Hélène Roussel" --topic "Cancer du sein" --template early-breast-cancer-surgery)
$A participant add $T --role patient --name "Marie Dupont"
$A decision record $T --deferred --next-contact 2026-03-16
$A patient status $T --set validated --justification document --reason "pièce d'identité vue"
U=$($A session start --from-rcp ${SHARED:?the shared folder}/fixtures/FRCP-corse-essai.xml --clinician-id 810123456781 --clinician-name "Dr Hélène Roussel")
$A decision record $U --declined
$A session close $U
for s in $S $T $U; do $A session show $s --json > $D/$s.json; done
$A verify
