import os,sys,json
# threads.py PID OUT: snapshot utime+stime per thread name
pid=sys.argv[1]; out={}
for t in os.listdir(f'/proc/{pid}/task'):
    try:
        s=open(f'/proc/{pid}/task/{t}/stat').read()
    except Exception: continue
    name=s[s.index('(')+1:s.rindex(')')]
    f=s[s.rindex(')')+2:].split()
    import re
    key=re.sub(r'[-#]?\d+$','',name)
    out[key]=out.get(key,0)+int(f[11])+int(f[12])
json.dump(out,open(sys.argv[2],'w'))
