<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AddTasksDialog</name>
    <message>
        <source>Add tasks</source>
        <extracomment>Quiet time after the last edit before the text is scanned. At most this many ignored lines are listed; the rest are counted. The ignored-lines box grows up to this many lines, then scrolls. Texts up to this size are scanned on the GUI thread (a few ms); larger ones on a worker.</extracomment>
        <translation>添加任务</translation>
    </message>
    <message>
        <source>&amp;Paste task ids, log lines or JSON answers:</source>
        <translation>粘贴任务 ID、日志行或 JSON 响应(&amp;P)：</translation>
    </message>
    <message>
        <source>Paste anything that contains task ids, for example:

  video_68d7512d07848190b3e45da0ecbebcde
  sora-2:task_01k6x15vhrff09dkkqjrzwhm60
  a log line that mentions an id
  a JSON answer such as {&quot;id&quot;: &quot;video_…&quot;, &quot;status&quot;: &quot;queued&quot;}

Each id is tracked once; lines without an id are listed below.</source>
        <translation>粘贴任何包含任务 ID 的内容，例如：

  video_68d7512d07848190b3e45da0ecbebcde
  sora-2:task_01k6x15vhrff09dkkqjrzwhm60
  提到某个 ID 的日志行
  JSON 响应，例如 {&quot;id&quot;: &quot;video_…&quot;, &quot;status&quot;: &quot;queued&quot;}

每个 ID 只跟踪一次；不含 ID 的行列在下方。</translation>
    </message>
    <message>
        <source>Text to scan for task ids</source>
        <translation>要从中查找任务 ID 的文本</translation>
    </message>
    <message>
        <source>Scan result</source>
        <translation>扫描结果</translation>
    </message>
    <message>
        <source>Show or hide the lines in which no id was found</source>
        <translation>显示或隐藏未找到 ID 的行</translation>
    </message>
    <message>
        <source>Ignored lines</source>
        <translation>已忽略的行</translation>
    </message>
    <message>
        <source>Service URL</source>
        <translation>服务 URL</translation>
    </message>
    <message>
        <source>The base URL of the OpenAI-format video API that created these tasks</source>
        <translation>创建这些任务的 OpenAI 格式视频 API 的基础 URL</translation>
    </message>
    <message>
        <source>&amp;Service:</source>
        <translation>服务(&amp;S)：</translation>
    </message>
    <message>
        <source>Start tracking the ids found (Ctrl+Enter)</source>
        <translation>开始跟踪找到的 ID（Ctrl+Enter）</translation>
    </message>
    <message>
        <source>That paste is too large to scan ({size} characters; the limit is {limit}). Nothing was pasted: paste a smaller part.</source>
        <translation>粘贴的内容太大，无法扫描（{size} 个字符，上限为 {limit}）。未粘贴任何内容：请粘贴较小的一部分。</translation>
    </message>
    <message>
        <source>Scanning…</source>
        <translation>正在扫描…</translation>
    </message>
    <message>
        <source>No task id found yet</source>
        <translation>尚未找到任务 ID</translation>
    </message>
    <message>
        <source>Found 1 task id</source>
        <translation>找到 1 个任务 ID</translation>
    </message>
    <message>
        <source>Found {count} task ids</source>
        <translation>找到 {count} 个任务 ID</translation>
    </message>
    <message>
        <source>1 line without an id was ignored</source>
        <translation>已忽略 1 个不含 ID 的行</translation>
    </message>
    <message>
        <source>{count} lines without an id were ignored</source>
        <translation>已忽略 {count} 个不含 ID 的行</translation>
    </message>
    <message>
        <source>Track 1 task</source>
        <translation>跟踪 1 个任务</translation>
    </message>
    <message>
        <source>Track {count} tasks</source>
        <translation>跟踪 {count} 个任务</translation>
    </message>
    <message>
        <source>Track tasks</source>
        <translation>跟踪任务</translation>
    </message>
    <message>
        <source>Ignored line {number}: {text}</source>
        <translation>已忽略第 {number} 行：{text}</translation>
    </message>
    <message>
        <source>…and {count} more</source>
        <translation>…还有 {count} 行</translation>
    </message>
    <message>
        <source>Will use {url}</source>
        <translation>将使用 {url}</translation>
    </message>
</context>
<context>
    <name>Banner</name>
    <message>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Dismiss message</source>
        <translation>关闭消息</translation>
    </message>
</context>
<context>
    <name>Controller</name>
    <message>
        <source>{error} Tasks added now will not be kept.</source>
        <translation>{error} 现在添加的任务将不会被保存。</translation>
    </message>
    <message>
        <source>The task list was damaged and could not be read. It was set aside as {path} and a new, empty list was started.</source>
        <translation>任务列表已损坏，无法读取。已将其另存为 {path}，并新建了一个空列表。</translation>
    </message>
    <message>
        <source>the command line</source>
        <translation>命令行</translation>
    </message>
</context>
<context>
    <name>CrashReporter</name>
    <message>
        <source>Something went wrong</source>
        <translation>出错了</translation>
    </message>
    <message>
        <source>Reelwatch hit an unexpected error. It keeps running, and your tasks are safe.</source>
        <translation>Reelwatch 遇到了意外错误。程序仍在运行，您的任务不受影响。</translation>
    </message>
    <message>
        <source>The details are also in {path}.</source>
        <translation>详细信息也已写入 {path}。</translation>
    </message>
    <message>
        <source>Copy details</source>
        <translation>复制详细信息</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>The service did not answer in time.</source>
        <translation>服务未能及时响应。</translation>
    </message>
    <message>
        <source>The service redirected too many times.</source>
        <translation>服务重定向次数过多。</translation>
    </message>
    <message>
        <source>The connection failed: {reason}.</source>
        <translation>连接失败：{reason}。</translation>
    </message>
    <message>
        <source>The service&apos;s answer was malformed: {reason}.</source>
        <translation>服务的响应格式有误：{reason}。</translation>
    </message>
    <message>
        <source>Refusing to send the API key over plain http:// to another machine; use https://.</source>
        <translation>拒绝通过明文 http:// 将 API 密钥发送到其他计算机；请使用 https://。</translation>
    </message>
    <message>
        <source>The answer is larger than {size} KiB; it is not a task.</source>
        <translation>响应大于 {size} KiB，不是任务。</translation>
    </message>
    <message>
        <source>The service answered with an empty body.</source>
        <translation>服务返回了空的响应体。</translation>
    </message>
    <message>
        <source>The service answered with a web page, not JSON{title}.</source>
        <translation>服务返回的是网页而不是 JSON{title}。</translation>
    </message>
    <message>
        <source>The service&apos;s answer is not valid JSON ({kind}).</source>
        <translation>服务的响应不是有效的 JSON（{kind}）。</translation>
    </message>
    <message>
        <source>The service refused the API key (HTTP {status}){detail}</source>
        <translation>服务拒绝了 API 密钥（HTTP {status}）{detail}</translation>
    </message>
    <message>
        <source>The service does not know this task (HTTP 404){detail}</source>
        <translation>服务找不到此任务（HTTP 404）{detail}</translation>
    </message>
    <message>
        <source>The service is rate limiting requests (HTTP 429){detail}</source>
        <translation>服务正在限流（HTTP 429）{detail}</translation>
    </message>
    <message>
        <source>The service had an error (HTTP {status}){detail}</source>
        <translation>服务出错（HTTP {status}）{detail}</translation>
    </message>
    <message>
        <source>The service rejected the request (HTTP {status}){detail}</source>
        <translation>服务拒绝了请求（HTTP {status}）{detail}</translation>
    </message>
    <message>
        <source>The service&apos;s TLS certificate could not be verified: {reason}.</source>
        <translation>无法验证服务的 TLS 证书：{reason}。</translation>
    </message>
    <message>
        <source>The secure connection to the service failed: {reason}.</source>
        <translation>与服务的安全连接失败：{reason}。</translation>
    </message>
    <message>
        <source>The service&apos;s host name could not be resolved (no network?).</source>
        <translation>无法解析服务的主机名（网络未连接？）。</translation>
    </message>
    <message>
        <source>The service refused the connection (is it running? is the URL right?).</source>
        <translation>服务拒绝了连接（服务是否在运行？URL 是否正确？）。</translation>
    </message>
    <message>
        <source>Could not connect to the service (connection refused or unreachable).</source>
        <translation>无法连接到服务（连接被拒绝或无法访问）。</translation>
    </message>
    <message>
        <source>Could not connect to the service: {reason}.</source>
        <translation>无法连接到服务：{reason}。</translation>
    </message>
    <message>
        <source>The text is too large to scan ({size:,} characters; the limit is {limit:,}).</source>
        <translation>文本太大，无法扫描（{size:,} 个字符，上限为 {limit:,}）。</translation>
    </message>
    <message>
        <source>The service answered with a JSON {kind}, not a task object.</source>
        <translation>服务返回的是 JSON {kind}，而不是任务对象。</translation>
    </message>
    <message>
        <source>The answer carries no task id.</source>
        <translation>响应中没有任务 ID。</translation>
    </message>
    <message>
        <source>The service reported the task as {status}.</source>
        <translation>服务报告任务状态为 {status}。</translation>
    </message>
    <message>
        <source>The answer carries no status.</source>
        <translation>响应中没有状态。</translation>
    </message>
    <message>
        <source>The status {value} is not text.</source>
        <translation>状态 {value} 不是文本。</translation>
    </message>
    <message>
        <source>The service reported error {code}.</source>
        <translation>服务报告错误 {code}。</translation>
    </message>
    <message>
        <source>The service reported a failure: {reason}.</source>
        <translation>服务报告失败：{reason}。</translation>
    </message>
    <message>
        <source>The finished video was rejected by moderation.</source>
        <translation>生成的视频未通过内容审核。</translation>
    </message>
    <message>
        <source>Blocked by moderation ({verdict}).</source>
        <translation>被内容审核拦截（{verdict}）。</translation>
    </message>
    <message>
        <source>The {name} value {value} is not a number.</source>
        <translation>{name} 的值 {value} 不是数字。</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>The service URL is empty.</source>
        <translation>服务 URL 为空。</translation>
    </message>
    <message>
        <source>The service URL must start with https:// (got {scheme}://).</source>
        <translation>服务 URL 必须以 https:// 开头（当前为 {scheme}://）。</translation>
    </message>
    <message>
        <source>The service URL has no host name.</source>
        <translation>服务 URL 中没有主机名。</translation>
    </message>
    <message>
        <source>The service URL must not carry a query or a fragment.</source>
        <translation>服务 URL 不能包含查询参数或片段。</translation>
    </message>
    <message>
        <source>The service URL has an invalid port.</source>
        <translation>服务 URL 的端口无效。</translation>
    </message>
    <message>
        <source>The video could not be downloaded: {reason}</source>
        <translation>无法下载视频：{reason}</translation>
    </message>
    <message>
        <source>The service kept answering with links, not a video.</source>
        <translation>服务一直返回链接，而不是视频。</translation>
    </message>
    <message>
        <source>The download was cut short ({written:,} of {total:,} bytes).</source>
        <translation>下载不完整（仅收到 {written:,} / {total:,} 字节）。</translation>
    </message>
    <message>
        <source>The server sent an empty file.</source>
        <translation>服务器发送了空文件。</translation>
    </message>
    <message>
        <source>The download answer is too large to be a link.</source>
        <translation>下载响应过大，不可能是链接。</translation>
    </message>
    <message>
        <source>The service answered the download with JSON but no link.</source>
        <translation>服务的下载响应是 JSON，但其中没有链接。</translation>
    </message>
    <message>
        <source>The download was interrupted after {written:,} bytes ({reason}).</source>
        <translation>下载在 {written:,} 字节后中断（{reason}）。</translation>
    </message>
    <message>
        <source>The disk is full; the video could not be saved in {folder}.</source>
        <translation>磁盘已满，无法将视频保存到 {folder}。</translation>
    </message>
    <message>
        <source>The folder {folder} is not writable; choose another download folder.</source>
        <translation>文件夹 {folder} 不可写，请选择其他下载文件夹。</translation>
    </message>
    <message>
        <source>The video could not be saved in {folder}: {reason}.</source>
        <translation>无法将视频保存到 {folder}：{reason}。</translation>
    </message>
    <message>
        <source>Unexpected error: {error}</source>
        <translation>意外错误：{error}</translation>
    </message>
    <message>
        <source>The service does not know this task (not found three times in a row).</source>
        <translation>服务找不到此任务（连续三次未找到）。</translation>
    </message>
    <message>
        <source>No usable keyring was found (a Secret Service such as GNOME Keyring or KWallet on Linux, Keychain on macOS, Credential Manager on Windows). Install or unlock one, or set {env} in the environment.</source>
        <translation>未找到可用的密钥环（Linux 上的 Secret Service，如 GNOME Keyring 或 KWallet；macOS 上的钥匙串；Windows 上的凭据管理器）。请安装或解锁一个密钥环，或设置环境变量 {env}。</translation>
    </message>
    <message>
        <source>The API key is empty.</source>
        <translation>API 密钥为空。</translation>
    </message>
    <message>
        <source>the system keyring ({name})</source>
        <translation>系统密钥环（{name}）</translation>
    </message>
    <message>
        <source>The system keyring could not be opened (is it locked?). Unlock it, or set {env} in the environment.</source>
        <translation>无法打开系统密钥环（是否已锁定？）。请将其解锁，或设置环境变量 {env}。</translation>
    </message>
    <message>
        <source>The system keyring failed: {reason}.</source>
        <translation>系统密钥环出错：{reason}。</translation>
    </message>
    <message>
        <source>The task list {path} could not be opened ({reason}).</source>
        <translation>无法打开任务列表 {path}（{reason}）。</translation>
    </message>
    <message>
        <source>The task database was written by a newer Reelwatch (schema {version}).</source>
        <translation>任务数据库由更新版本的 Reelwatch 写入（架构版本 {version}）。</translation>
    </message>
    <message>
        <source>Could not save the task list ({reason}).</source>
        <translation>无法保存任务列表（{reason}）。</translation>
    </message>
</context>
<context>
    <name>Format</name>
    <message>
        <source>{s} s</source>
        <translation>{s} 秒</translation>
    </message>
    <message>
        <source>{m} min {s:02d} s</source>
        <translation>{m} 分 {s:02d} 秒</translation>
    </message>
    <message>
        <source>{h} h {m:02d} min</source>
        <translation>{h} 小时 {m:02d} 分</translation>
    </message>
    <message>
        <source>{d} days</source>
        <translation>{d} 天</translation>
    </message>
    <message>
        <source>just now</source>
        <translation>刚刚</translation>
    </message>
    <message>
        <source>{s} s ago</source>
        <translation>{s} 秒前</translation>
    </message>
    <message>
        <source>{m} min ago</source>
        <translation>{m} 分钟前</translation>
    </message>
    <message>
        <source>{h} h ago</source>
        <translation>{h} 小时前</translation>
    </message>
    <message>
        <source>{d} days ago</source>
        <translation>{d} 天前</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>#{n} in queue</source>
        <translation>排队第 {n} 位</translation>
    </message>
    <message>
        <source>wait {w}</source>
        <translation>等待 {w}</translation>
    </message>
    <message>
        <source>link expired</source>
        <translation>链接已过期</translation>
    </message>
    <message>
        <source>link expires in {d}</source>
        <translation>链接将在 {d}后过期</translation>
    </message>
    <message>
        <source>Downloading {p:.0f}%</source>
        <translation>正在下载 {p:.0f}%</translation>
    </message>
    <message>
        <source>Downloading…</source>
        <translation>正在下载…</translation>
    </message>
    <message>
        <source>Failed: {reason}</source>
        <translation>失败：{reason}</translation>
    </message>
    <message>
        <source>Check failed: {reason}</source>
        <translation>检查失败：{reason}</translation>
    </message>
    <message>
        <source>Saved</source>
        <translation>已保存</translation>
    </message>
    <message>
        <source>Not saved: {reason}</source>
        <translation>未保存：{reason}</translation>
    </message>
    <message>
        <source>Ready · {expiry}</source>
        <translation>就绪 · {expiry}</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>Ready (download from the service)</source>
        <translation>就绪（从服务下载）</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>服务</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>{n} frames</source>
        <translation>{n} 帧</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>Link expires</source>
        <translation>链接过期</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Video link</source>
        <translation>视频链接</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>添加时间</translation>
    </message>
    <message>
        <source>Elapsed</source>
        <translation>已用时间</translation>
    </message>
    <message>
        <source>Last checked</source>
        <translation>上次检查</translation>
    </message>
    <message>
        <source>Next check</source>
        <translation>下次检查</translation>
    </message>
    <message>
        <source>in {d}</source>
        <translation>{d}后</translation>
    </message>
    <message>
        <source>Last check failed</source>
        <translation>上次检查失败</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>the command line</source>
        <translation>命令行</translation>
    </message>
    <message>
        <source>All tasks</source>
        <translation>全部任务</translation>
    </message>
    <message>
        <source>Unfinished</source>
        <translation>未完成</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>&amp;Add tasks…</source>
        <translation>添加任务(&amp;A)…</translation>
    </message>
    <message>
        <source>Paste or type task ids to track</source>
        <translation>粘贴或输入要跟踪的任务 ID</translation>
    </message>
    <message>
        <source>&amp;Paste ids</source>
        <translation>粘贴 ID(&amp;P)</translation>
    </message>
    <message>
        <source>Track every task id found in the clipboard</source>
        <translation>跟踪剪贴板中找到的所有任务 ID</translation>
    </message>
    <message>
        <source>&amp;Refresh now</source>
        <translation>立即刷新(&amp;R)</translation>
    </message>
    <message>
        <source>Check the selected tasks now</source>
        <translation>立即检查所选任务</translation>
    </message>
    <message>
        <source>&amp;Copy id</source>
        <translation>复制 ID(&amp;C)</translation>
    </message>
    <message>
        <source>Copy the task ids</source>
        <translation>复制任务 ID</translation>
    </message>
    <message>
        <source>Copy video &amp;link</source>
        <translation>复制视频链接(&amp;L)</translation>
    </message>
    <message>
        <source>Copy the video&apos;s link</source>
        <translation>复制视频的链接</translation>
    </message>
    <message>
        <source>Show raw &amp;JSON…</source>
        <translation>显示原始 JSON(&amp;J)…</translation>
    </message>
    <message>
        <source>The last answer of the service, as it came</source>
        <translation>服务最近一次响应的原始内容</translation>
    </message>
    <message>
        <source>&amp;Save video as…</source>
        <translation>视频另存为(&amp;S)…</translation>
    </message>
    <message>
        <source>Open containing &amp;folder</source>
        <translation>打开所在文件夹(&amp;F)</translation>
    </message>
    <message>
        <source>Open link in &amp;browser</source>
        <translation>在浏览器中打开链接(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>移除(&amp;R)</translation>
    </message>
    <message>
        <source>Stop tracking the selected tasks (undoable)</source>
        <translation>停止跟踪所选任务（可撤销）</translation>
    </message>
    <message>
        <source>&amp;Undo remove</source>
        <translation>撤销移除(&amp;U)</translation>
    </message>
    <message>
        <source>S&amp;ettings…</source>
        <translation>设置(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation>查找(&amp;F)</translation>
    </message>
    <message>
        <source>Try the &amp;demo</source>
        <translation>试用演示(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;About Reelwatch</source>
        <translation>关于 Reelwatch(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Play/Pause</source>
        <translation>播放/暂停(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Details…</source>
        <translation>详细信息(&amp;D)…</translation>
    </message>
    <message>
        <source>&amp;Toolbar</source>
        <translation>工具栏(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Show:</source>
        <translation>显示(&amp;S)：</translation>
    </message>
    <message>
        <source>Show tasks</source>
        <translation>显示任务</translation>
    </message>
    <message>
        <source>Show only tasks in a state</source>
        <translation>只显示处于某一状态的任务</translation>
    </message>
    <message>
        <source>Search id or prompt</source>
        <translation>搜索 ID 或提示词</translation>
    </message>
    <message>
        <source>Search tasks</source>
        <translation>搜索任务</translation>
    </message>
    <message>
        <source>Tracked tasks</source>
        <translation>跟踪的任务</translation>
    </message>
    <message>
        <source>No tasks yet</source>
        <translation>暂无任务</translation>
    </message>
    <message>
        <source>Paste task ids with Ctrl+V, drop text on this window, or add them by hand.
Reelwatch checks every job, saves each video the moment it is ready, and plays it here.</source>
        <translation>按 Ctrl+V 粘贴任务 ID、将文本拖放到此窗口，或手动添加。
Reelwatch 会检查每个任务，视频一就绪就立即保存，并在这里播放。</translation>
    </message>
    <message>
        <source>Add tasks…</source>
        <translation>添加任务…</translation>
    </message>
    <message>
        <source>Paste from clipboard</source>
        <translation>从剪贴板粘贴</translation>
    </message>
    <message>
        <source>Try the demo</source>
        <translation>试用演示</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Task</source>
        <translation>任务(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Leave the &amp;demo</source>
        <translation>退出演示(&amp;D)</translation>
    </message>
    <message>
        <source>You are looking at the demo: these tasks come from a small service running on this computer. Your own tasks are kept apart.</source>
        <translation>您正在查看演示：这些任务来自本机上运行的一个小型服务。您自己的任务会单独保存。</translation>
    </message>
    <message>
        <source>Enter API key…</source>
        <translation>输入 API 密钥…</translation>
    </message>
    <message>
        <source>Leave the demo</source>
        <translation>退出演示</translation>
    </message>
    <message>
        <source>{host}: {message} Checks are paused until a new key is entered.</source>
        <translation>{host}：{message} 检查已暂停，输入新的密钥后才会继续。</translation>
    </message>
    <message>
        <source>Can&apos;t reach {host}: {message} Retrying by itself.</source>
        <translation>无法连接 {host}：{message} 将自动重试。</translation>
    </message>
    <message>
        <source>{host} asked to slow down: {message} Checks resume in {wait}.</source>
        <translation>{host} 要求降低请求频率：{message} 将在 {wait}后恢复检查。</translation>
    </message>
    <message>
        <source>Reelwatch (demo)</source>
        <translation>Reelwatch（演示）</translation>
    </message>
    <message>
        <source>Reelwatch</source>
        <translation>Reelwatch</translation>
    </message>
    <message>
        <source>{name} — {done}/{total} done</source>
        <translation>{name} — 已完成 {done}/{total}</translation>
    </message>
    <message>
        <source>{n} unfinished · checking every {interval}</source>
        <translation>{n} 个未完成 · 每 {interval}检查一次</translation>
    </message>
    <message>
        <source>All tasks finished</source>
        <translation>所有任务均已结束</translation>
    </message>
    <message>
        <source>Select a task</source>
        <translation>请选择一个任务</translation>
    </message>
    <message>
        <source>Its details appear here, and its video once it is ready.</source>
        <translation>任务详情会显示在这里，视频就绪后也会在这里显示。</translation>
    </message>
    <message>
        <source>Nothing to show yet</source>
        <translation>暂无内容</translation>
    </message>
    <message>
        <source>Videos play here as soon as they are downloaded.</source>
        <translation>视频下载完成后会立即在这里播放。</translation>
    </message>
    <message>
        <source>The video file is missing</source>
        <translation>视频文件缺失</translation>
    </message>
    <message>
        <source>{path} no longer exists. Use Refresh to download it again.</source>
        <translation>{path} 已不存在。请使用“立即刷新”重新下载。</translation>
    </message>
    <message>
        <source>the text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>No task id found in {where}.</source>
        <translation>在{where}中未找到任务 ID。</translation>
    </message>
    <message>
        <source>Tracking 1 new task.</source>
        <translation>已开始跟踪 1 个新任务。</translation>
    </message>
    <message>
        <source>Tracking {n} new tasks.</source>
        <translation>已开始跟踪 {n} 个新任务。</translation>
    </message>
    <message>
        <source>1 already tracked, ignored.</source>
        <translation>1 个已在跟踪中，已忽略。</translation>
    </message>
    <message>
        <source>{n} already tracked, ignored.</source>
        <translation>{n} 个已在跟踪中，已忽略。</translation>
    </message>
    <message>
        <source>1 line without an id skipped.</source>
        <translation>已跳过 1 个不含 ID 的行。</translation>
    </message>
    <message>
        <source>{n} lines without an id skipped.</source>
        <translation>已跳过 {n} 个不含 ID 的行。</translation>
    </message>
    <message>
        <source>the clipboard</source>
        <translation>剪贴板</translation>
    </message>
    <message>
        <source>the dropped text</source>
        <translation>拖放的文本</translation>
    </message>
    <message>
        <source>Checking now…</source>
        <translation>正在检查…</translation>
    </message>
    <message>
        <source>Copied 1 id.</source>
        <translation>已复制 1 个 ID。</translation>
    </message>
    <message>
        <source>Copied {n} ids.</source>
        <translation>已复制 {n} 个 ID。</translation>
    </message>
    <message>
        <source>Copied the video link.</source>
        <translation>已复制视频链接。</translation>
    </message>
    <message>
        <source>Save video as</source>
        <translation>视频另存为</translation>
    </message>
    <message>
        <source>MP4 video (*.mp4)</source>
        <translation>MP4 视频 (*.mp4)</translation>
    </message>
    <message>
        <source>Could not save the video to {path}: {reason}</source>
        <translation>无法将视频保存到 {path}：{reason}</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
    <message>
        <source>Downloading to {path}…</source>
        <translation>正在下载到 {path}…</translation>
    </message>
    <message>
        <source>Stopped tracking 1 task. Its video stays on disk.</source>
        <translation>已停止跟踪 1 个任务。其视频仍保留在磁盘上。</translation>
    </message>
    <message>
        <source>Stopped tracking {n} tasks. Their videos stay on disk.</source>
        <translation>已停止跟踪 {n} 个任务。它们的视频仍保留在磁盘上。</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>About Reelwatch</source>
        <translation>关于 Reelwatch</translation>
    </message>
    <message>
        <source>&lt;b&gt;Reelwatch {version}&lt;/b&gt;</source>
        <translation>&lt;b&gt;Reelwatch {version}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Watches video generation jobs on any service that speaks the OpenAI video format, saves each video when it is ready and plays it here.</source>
        <translation>监视任何兼容 OpenAI 视频格式的服务上的视频生成任务，在视频就绪时保存，并在这里播放。</translation>
    </message>
</context>
<context>
    <name>Notifier</name>
    <message>
        <source>Reelwatch</source>
        <translation>Reelwatch</translation>
    </message>
    <message>
        <source>Show Reelwatch</source>
        <translation>显示 Reelwatch</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Video ready</source>
        <translation>视频已就绪</translation>
    </message>
    <message>
        <source>{task} has completed.</source>
        <translation>{task} 已完成。</translation>
    </message>
    <message>
        <source>Task failed</source>
        <translation>任务失败</translation>
    </message>
    <message>
        <source>{task} failed: {reason}</source>
        <translation>{task} 失败：{reason}</translation>
    </message>
</context>
<context>
    <name>PreviewPane</name>
    <message>
        <source>video playback is not available ({error})</source>
        <extracomment>How long a video may take to show its first frame before we call it broken. Generous on purpose: a loaded machine can take a few seconds; a working file shows one in well under 1 s. Upper bound for shutdown() to wait for the player&apos;s queued teardown. The full, user-readable message whenever a video cannot be played.</extracomment>
        <translation>视频播放功能不可用（{error}）</translation>
    </message>
    <message>
        <source>No task selected</source>
        <translation>未选择任务</translation>
    </message>
    <message>
        <source>Select a task to see its details.</source>
        <translation>选择一个任务以查看其详细信息。</translation>
    </message>
    <message>
        <source>Double-click for full screen</source>
        <translation>双击全屏</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>Play (Space)</source>
        <translation>播放（空格）</translation>
    </message>
    <message>
        <source>Position</source>
        <translation>播放位置</translation>
    </message>
    <message>
        <source>Seek</source>
        <translation>跳转</translation>
    </message>
    <message>
        <source>Elapsed and total time</source>
        <translation>已播放时间和总时长</translation>
    </message>
    <message>
        <source>Loop</source>
        <translation>循环</translation>
    </message>
    <message>
        <source>Loop playback</source>
        <translation>循环播放</translation>
    </message>
    <message>
        <source>Mute</source>
        <translation>静音</translation>
    </message>
    <message>
        <source>Unmute (M)</source>
        <translation>取消静音（M）</translation>
    </message>
    <message>
        <source>Full screen</source>
        <translation>全屏</translation>
    </message>
    <message>
        <source>Full screen (F, double-click; Esc to leave)</source>
        <translation>全屏（F 或双击；按 Esc 退出）</translation>
    </message>
    <message>
        <source>no video frame could be decoded</source>
        <translation>无法解码任何视频帧</translation>
    </message>
    <message>
        <source>the file contains no video track</source>
        <translation>文件中没有视频轨道</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Pause (Space)</source>
        <translation>暂停（空格）</translation>
    </message>
    <message>
        <source>Mute (M)</source>
        <translation>静音（M）</translation>
    </message>
    <message>
        <source>the file does not exist</source>
        <translation>文件不存在</translation>
    </message>
    <message>
        <source>it is not a file</source>
        <translation>该路径不是文件</translation>
    </message>
    <message>
        <source>the file is empty</source>
        <translation>文件为空</translation>
    </message>
    <message>
        <source>the file cannot be read ({error})</source>
        <translation>无法读取文件（{error}）</translation>
    </message>
    <message>
        <source>the file cannot be read (permission denied)</source>
        <translation>无法读取文件（权限不足）</translation>
    </message>
    <message>
        <source>the file is damaged or not in a supported format</source>
        <translation>文件已损坏或格式不受支持</translation>
    </message>
    <message>
        <source>access to the file was denied</source>
        <translation>文件访问被拒绝</translation>
    </message>
    <message>
        <source>the file could not be opened</source>
        <translation>无法打开文件</translation>
    </message>
    <message>
        <source>the player reported an error</source>
        <translation>播放器报告了错误</translation>
    </message>
    <message>
        <source>Can&apos;t play this video: {reason}. The file is at {path}.</source>
        <translation>无法播放此视频：{reason}。文件位于 {path}。</translation>
    </message>
    <message>
        <source>Can&apos;t play this video</source>
        <translation>无法播放此视频</translation>
    </message>
</context>
<context>
    <name>RawJsonDialog</name>
    <message>
        <source>Server answer as JSON</source>
        <translation>服务器响应（JSON）</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <source>Copy the whole text to the clipboard</source>
        <translation>将全部文本复制到剪贴板</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <extracomment>Seconds between two polls of one task: the range the spin box offers. Requests per second; 0 means no limit.</extracomment>
        <translation>设置</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>服务</translation>
    </message>
    <message>
        <source>Service URL</source>
        <translation>服务 URL</translation>
    </message>
    <message>
        <source>The base URL of the OpenAI-format video API, e.g. https://api.example.com</source>
        <translation>OpenAI 格式视频 API 的基础 URL，例如 https://api.example.com</translation>
    </message>
    <message>
        <source>Service &amp;URL:</source>
        <translation>服务 URL(&amp;U)：</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <source>The key is saved in the system keyring, never in the settings file</source>
        <translation>密钥保存在系统密钥环中，绝不会写入设置文件</translation>
    </message>
    <message>
        <source>Show key</source>
        <translation>显示密钥</translation>
    </message>
    <message>
        <source>Show the typed key</source>
        <translation>显示输入的密钥</translation>
    </message>
    <message>
        <source>&amp;Forget key</source>
        <translation>忘记密钥(&amp;F)</translation>
    </message>
    <message>
        <source>Remove the stored key of this service when you press OK</source>
        <translation>按“确定”时删除此服务已保存的密钥</translation>
    </message>
    <message>
        <source>API &amp;key:</source>
        <translation>API 密钥(&amp;K)：</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>Polling</source>
        <translation>检查</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>Polling interval in seconds</source>
        <translation>检查间隔（秒）</translation>
    </message>
    <message>
        <source>How long to wait between two status checks of one task</source>
        <translation>同一任务两次状态检查之间的等待时间</translation>
    </message>
    <message>
        <source> per second</source>
        <translation> 次/秒</translation>
    </message>
    <message>
        <source>No limit</source>
        <translation>不限制</translation>
    </message>
    <message>
        <source>Maximum requests per second</source>
        <translation>每秒最大请求数</translation>
    </message>
    <message>
        <source>Spread status checks so the service never sees more than this; 0 = no limit</source>
        <translation>分散状态检查，使服务收到的请求数不超过此值；0 = 不限制</translation>
    </message>
    <message>
        <source>Check &amp;every:</source>
        <translation>检查间隔(&amp;E)：</translation>
    </message>
    <message>
        <source>&amp;Max requests:</source>
        <translation>最大请求数(&amp;M)：</translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>Download folder</source>
        <translation>下载文件夹</translation>
    </message>
    <message>
        <source>Where finished videos are saved; empty = the default</source>
        <translation>已完成视频的保存位置；留空 = 默认位置</translation>
    </message>
    <message>
        <source>C&amp;hoose…</source>
        <translation>选择(&amp;H)…</translation>
    </message>
    <message>
        <source>Pick the download folder</source>
        <translation>选择下载文件夹</translation>
    </message>
    <message>
        <source>F&amp;older:</source>
        <translation>文件夹(&amp;O)：</translation>
    </message>
    <message>
        <source>&amp;Download finished videos automatically</source>
        <translation>自动下载已完成的视频(&amp;D)</translation>
    </message>
    <message>
        <source>Save each video to the folder as soon as its task completes</source>
        <translation>任务一完成就将视频保存到该文件夹</translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation>通知</translation>
    </message>
    <message>
        <source>&amp;Notify me when a task finishes or fails</source>
        <translation>任务完成或失败时通知我(&amp;N)</translation>
    </message>
    <message>
        <source>Show a desktop notification for finished tasks</source>
        <translation>为已结束的任务显示桌面通知</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Takes effect the next time Reelwatch starts</source>
        <translation>下次启动 Reelwatch 时生效</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>语言(&amp;L)：</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>{reason}

The key could not be saved. It is kept for this session only and must be entered again after Reelwatch restarts.</source>
        <translation>{reason}

无法保存密钥。密钥仅在本次会话中保留，Reelwatch 重启后需要重新输入。</translation>
    </message>
    <message>
        <source>{reason}

The stored key could not be removed.</source>
        <translation>{reason}

无法删除已保存的密钥。</translation>
    </message>
    <message>
        <source>Will use {url}</source>
        <translation>将使用 {url}</translation>
    </message>
    <message>
        <source>Hide key</source>
        <translation>隐藏密钥</translation>
    </message>
    <message>
        <source>Hide the typed key</source>
        <translation>隐藏输入的密钥</translation>
    </message>
    <message>
        <source>Choose the download folder</source>
        <translation>选择下载文件夹</translation>
    </message>
    <message>
        <source>Enter a valid service URL to set its key.</source>
        <translation>请输入有效的服务 URL 以设置其密钥。</translation>
    </message>
    <message>
        <source>Set by {name}</source>
        <translation>由 {name} 设置</translation>
    </message>
    <message>
        <source>•••••• stored — type to replace</source>
        <translation>•••••• 已保存 — 输入新密钥以替换</translation>
    </message>
    <message>
        <source>Paste the API key of this service</source>
        <translation>粘贴此服务的 API 密钥</translation>
    </message>
    <message>
        <source>{reason}

A key you enter here will be kept for this session only: it is not written to any file and must be entered again after Reelwatch restarts.</source>
        <translation>{reason}

在此输入的密钥仅在本次会话中保留：它不会写入任何文件，Reelwatch 重启后需要重新输入。</translation>
    </message>
    <message>
        <source>{reason}

If the key cannot be saved, it will be kept for this session only.</source>
        <translation>{reason}

如果无法保存密钥，它将仅在本次会话中保留。</translation>
    </message>
    <message>
        <source>The stored key will be forgotten when you press OK.</source>
        <translation>按“确定”后将忘记已保存的密钥。</translation>
    </message>
    <message>
        <source>Comes from the environment variable {name} (read-only here)</source>
        <translation>来自环境变量 {name}（此处只读）</translation>
    </message>
    <message>
        <source>Stored in {where}</source>
        <translation>保存位置：{where}</translation>
    </message>
    <message>
        <source>Kept in memory for this session only (not saved)</source>
        <translation>仅在本次会话中保留在内存中（未保存）</translation>
    </message>
    <message>
        <source>No key stored yet</source>
        <translation>尚未保存密钥</translation>
    </message>
</context>
<context>
    <name>TaskTableModel</name>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Elapsed</source>
        <translation>用时</translation>
    </message>
    <message>
        <source>Checked</source>
        <translation>检查时间</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>{state} · stalled?</source>
        <translation>{state} · 卡住了？</translation>
    </message>
    <message>
        <source>{id}
on {service}</source>
        <translation>{id}
服务：{service}</translation>
    </message>
    <message>
        <source>no answer yet</source>
        <translation>尚无响应</translation>
    </message>
    <message>
        <source>Status reported: {raw}</source>
        <translation>报告的状态：{raw}</translation>
    </message>
    <message>
        <source>Last check failed: {e}</source>
        <translation>上次检查失败：{e}</translation>
    </message>
    <message>
        <source>No progress for a long time. Reelwatch tried to fetch the video directly; press F5 to check again.</source>
        <translation>长时间没有进展。Reelwatch 已尝试直接获取视频；按 F5 可再次检查。</translation>
    </message>
    <message>
        <source>Next check in {d}</source>
        <translation>{d}后进行下次检查</translation>
    </message>
</context>
</TS>
