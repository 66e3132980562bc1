import sys,re,collections
# jfragg.py FILE.txt (output of `jfr print --events jdk.ExecutionSample,jdk.NativeMethodSample`)
txt=open(sys.argv[1]).read()
events=txt.split('\njdk.')
cats=[('DuckDB commit/appender (native)',r'org\.duckdb\.'),('OTLP protobuf decode',r'(?i)protobuf|OtlpTrace.*[Dd]ecod|TraceDecoder'),
 ('dedup (RecentIdentities)',r'RecentIdentities'),('series ids',r'SeriesIds'),('row append (RowAppender, Java side)',r'RowAppender'),
 ('gRPC/Netty',r'io\.grpc|io\.netty'),('HTTP (Jetty/Javalin)',r'org\.eclipse\.jetty|io\.javalin'),('GenAI inference mapping/pricing',r'(?i)GenAi|Pricing|Inference'),
 ('ingest pipeline/judges',r'dev\.loupe\.(ingest|judge|dimension)')]
top=collections.Counter(); inc=collections.Counter(); n=0; kinds=collections.Counter()
for e in events:
    if not (e.startswith('ExecutionSample') or e.startswith('NativeMethodSample')): continue
    frames=re.findall(r'^\s+([\w$.<>]+)\(',e,re.M)
    if not frames: continue
    if e.startswith('NativeMethodSample') and not re.match(r'(org\.duckdb|java\.util\.zip)',frames[0]): continue
    n+=1; kinds[e.split()[0]]+=1
    top[frames[0]]+=1
    st=' '.join(frames)
    for name,pat in cats:
        if re.search(pat,st): inc[name]+=1; break
    else: inc['other']+=1
print(f"samples {n} {dict(kinds)}")
print("first matching part of the stack (outermost-first order of the list):")
for k,v in inc.most_common(): print(f"  {v/n*100:5.1f}%  {k}")
print("top frames:")
for k,v in top.most_common(15): print(f"  {v/n*100:5.1f}%  {k}")
