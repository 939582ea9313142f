# Makes the schema 1 fixtures: run Debian's docker-registry (Distribution 2.8.2) on 127.0.0.1:5999, then
# python3 make-golden.py golden/app  (pushes manifest.json and config.json, saves the GET without Accept)
import hashlib, json, io, tarfile, gzip, urllib.request, sys
R="http://127.0.0.1:5999"
def put_blob(repo, data):
    d="sha256:"+hashlib.sha256(data).hexdigest()
    req=urllib.request.Request(R+f"/v2/{repo}/blobs/uploads/", method="POST")
    loc=urllib.request.urlopen(req).headers["Location"]
    sep="&" if "?" in loc else "?"
    req=urllib.request.Request(loc+sep+"digest="+d, data=data, method="PUT", headers={"Content-Type":"application/octet-stream"})
    urllib.request.urlopen(req)
    return d
def layer(name, content):
    b=io.BytesIO()
    with tarfile.open(fileobj=b, mode="w") as t:
        ti=tarfile.TarInfo(name); ti.size=len(content); ti.mtime=0
        t.addfile(ti, io.BytesIO(content))
    tar=b.getvalue()
    return tar, gzip.compress(tar, mtime=0)
repo=sys.argv[1]
t1,g1=layer("a.txt", b"hello")
t2,g2=layer("b.txt", b"world <&>")
config={"architecture":"amd64","os":"linux","created":"2024-05-06T07:08:09.123456789Z",
 "config":{"Env":["PATH=/usr/bin","X=<a&b>"],"Cmd":["/bin/sh","-c","echo \u00e9 \u2028"],"Labels":{"z":"1","a":"2"}},
 "rootfs":{"type":"layers","diff_ids":["sha256:"+hashlib.sha256(t1).hexdigest(),"sha256:"+hashlib.sha256(t2).hexdigest()]},
 "history":[
  {"created":"2024-01-02T03:04:05Z","created_by":"/bin/sh -c #(nop) ADD file:abc in / ","author":"Me <me@x>"},
  {"created":"2024-01-02T03:04:06.5+02:00","created_by":"/bin/sh -c #(nop)  ENV X=<a&b>","empty_layer":True,"comment":"c\u00e9"},
  {"created":"2024-01-02T03:04:07.000000100Z","created_by":"/bin/sh -c echo hi > /b.txt"},
  {"created_by":"/bin/sh -c #(nop)  CMD [\"/bin/sh\"]","empty_layer":True}]}
cb=json.dumps(config, separators=(",",":"), ensure_ascii=False).encode()
open("config.json","wb").write(cb)
cd=put_blob(repo, cb)
l1=put_blob(repo,g1); l2=put_blob(repo,g2)
m={"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
 "config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":len(cb),"digest":cd},
 "layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":len(g1),"digest":l1},
           {"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":len(g2),"digest":l2}]}
mb=json.dumps(m, indent=3).encode()
open("manifest.json","wb").write(mb)
req=urllib.request.Request(R+f"/v2/{repo}/manifests/v1", data=mb, method="PUT", headers={"Content-Type":m["mediaType"]})
print(urllib.request.urlopen(req).status)
req=urllib.request.Request(R+f"/v2/{repo}/manifests/v1")
resp=urllib.request.urlopen(req)
body=resp.read()
open("schema1.json","wb").write(body)
print(resp.headers["Content-Type"], resp.headers["Docker-Content-Digest"])
