#!/usr/bin/env python3
"""make-attacks.py BUNDLE WORK: the archives a compromised lab host sends
back instead of its runs directory (issue 17), one WORK/attacks/ROLE.tar
each, made from BUNDLE, a real run, so that only the attack differs from
what an honest host sends (GNU tar's `tar -cf - .` of the runs directory).
make-attacks.py --dir BUNDLE DST ROLE: the bundle of ROLE (unfinished,
dupverdict, contradict) as a directory DST.

  symlink-abs   charts -> WORK/canary-dir; unfinished, so that the old
                fleet finished and reported it in place, through the link
  symlink-rel   charts -> ../../(...)/WORK/canary-dir, the same, relative
  topology-link machine/topology.svg -> WORK/canary (a secret to publish)
  setuid        a setuid-root executable
  device        a character device (1, 3)
  fifo          machine/topology.svg a FIFO (a report that blocks)
  hardlink      a hard link to another member
  dotdot        a member named ./B/../../escape
  dupverdict    bundle.json FAIL, then a second object {"verdict": "PASS"}
  contradict    rows that FAIL (a forbidden outcome seen), every stored
                verdict PASS
  badname       a bundle directory named "x y*"
  longname      a bundle directory named with 250 bytes (a name of 255
                bytes and a "-2" made the old fleet spin)
"""
import io
import json
import os
import sys
import tarfile

AS_DIR = sys.argv[1] == '--dir'
BASE, WORK = sys.argv[1 + AS_DIR], sys.argv[2 + AS_DIR]
NAME = os.path.basename(BASE.rstrip('/'))


def base_files():
    out = {}
    for root, _, files in os.walk(BASE):
        for f in files:
            p = os.path.join(root, f)
            out[os.path.relpath(p, BASE)] = open(p, 'rb').read()
    return out


def member(path, kind=tarfile.REGTYPE, mode=0o644, data=b'', **kw):
    ti = tarfile.TarInfo(path)
    ti.type, ti.mode, ti.size = kind, mode, len(data)
    ti.uid = ti.gid = 0
    ti.uname = ti.gname = 'root'
    for k, v in kw.items():
        setattr(ti, k, v)
    return ti, (io.BytesIO(data) if kind == tarfile.REGTYPE else None)


def write(role, files, extra=(), name=NAME):
    """./, ./NAME/ and its tree, then the attack members."""
    dirs, members = {'.', './' + name}, []
    for rel in sorted(files):
        parts = rel.split('/')
        for i in range(1, len(parts)):
            dirs.add('./%s/%s' % (name, '/'.join(parts[:i])))
    for d in sorted(dirs):
        members.append(member(d + '/' if d != '.' else './', tarfile.DIRTYPE, 0o755))
    for rel in sorted(files):
        members.append(member('./%s/%s' % (name, rel), data=files[rel]))
    with tarfile.open('%s/attacks/%s.tar' % (WORK, role), 'w',
                      format=tarfile.GNU_FORMAT) as t:
        for ti, f in members + list(extra):
            t.addfile(ti, f)


def unfinished(files):
    j = json.loads(files['bundle.json'])
    # What `bundle init` leaves of a run killed before its end.
    j['finished'], j['complete'], j['verdict'] = None, False, 'INCOMPLETE'
    files['bundle.json'] = json.dumps(j, indent=2).encode()
    for k in [k for k in files if k.startswith('charts/')]:
        del files[k]
    return files


def forbidden(files, stored):
    """Every result of the race part forbidden, with a bad trial at least:
    the rows FAIL; @stored is the word every stored verdict then says."""
    j = json.loads(files['bundle.json'])
    part = [p for p in j['parts'] if p['kind'] == 'race'][0]
    r = json.loads(files[part['file']])
    for x in r['results']:
        if not x['bad_trials'] > 0:	# a quiet run: one bad trial
            x['bad_trials'], x['observation'] = 1, 'Sometimes'
            [o for o in x['outcomes'] if o['bad']][0]['count'] = 1
        x['expectation'], x['verdict'] = 'forbidden', stored
    r['verdict'] = stored
    j['verdict'] = stored
    files[part['file']] = json.dumps(r, indent=2).encode()
    files['bundle.json'] = json.dumps(j, indent=2).encode()
    return files


def dupverdict():
    f = forbidden(base_files(), 'FAIL')
    f['bundle.json'] += b'\n{"verdict": "PASS"}\n'
    return f


CONTENT = {
    'unfinished': lambda: unfinished(base_files()),
    'dupverdict': dupverdict,
    'contradict': lambda: forbidden(base_files(), 'PASS'),
}


def write_dir(dst, files):
    for rel, data in files.items():
        os.makedirs(os.path.dirname(os.path.join(dst, rel)), exist_ok=True)
        open(os.path.join(dst, rel), 'wb').write(data)


def main():
    if AS_DIR:
        return write_dir(WORK, CONTENT[sys.argv[4]]())
    os.makedirs(WORK + '/attacks', exist_ok=True)
    b = './' + NAME
    out = '../' * 40 + WORK.lstrip('/')
    write('symlink-abs', unfinished(base_files()),
          [member(b + '/charts', tarfile.SYMTYPE, 0o777, linkname=WORK + '/canary-dir')])
    write('symlink-rel', unfinished(base_files()),
          [member(b + '/charts', tarfile.SYMTYPE, 0o777, linkname=out + '/canary-dir')])
    f = base_files()
    f.pop('machine/topology.svg', None)
    write('topology-link', f, [member(b + '/machine/topology.svg', tarfile.SYMTYPE,
                                      0o777, linkname=WORK + '/canary')])
    write('setuid', base_files(),
          [member(b + '/machine/tool', mode=0o4755, data=b'#!/bin/sh\nid\n')])
    write('device', base_files(),
          [member(b + '/machine/null', tarfile.CHRTYPE, 0o666, devmajor=1, devminor=3)])
    f = unfinished(base_files())
    f.pop('machine/topology.svg', None)
    write('fifo', f, [member(b + '/machine/topology.svg', tarfile.FIFOTYPE, 0o644)])
    write('hardlink', base_files(),
          [member(b + '/machine/uname2.txt', tarfile.LNKTYPE,
                  linkname=b + '/machine/uname.txt')])
    write('dotdot', base_files(),
          [member(b + '/../../escape', data=b'out of the directory\n')])
    write('dupverdict', dupverdict())
    write('contradict', CONTENT['contradict']())
    write('badname', base_files(), name='x y*')
    write('longname', base_files(), name='b' * 250)


main()
