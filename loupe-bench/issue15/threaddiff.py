import json,sys
a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2]))
d={k:b.get(k,0)-a.get(k,0) for k in b}; tot=sum(d.values()) or 1
print("server CPU by thread: "+", ".join(f"{k} {v/tot*100:.0f}%" for k,v in sorted(d.items(),key=lambda x:-x[1]) if v/tot>=0.02))
