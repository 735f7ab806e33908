"""kvmgen: what bench/gen-archive and bench/gen-code share.

Deterministic (everything comes from one random.Random(seed)) vocabularies
for a KVM-list-like world: contributors over ~40 mail domains, kernel-like
paths, prose lines, C code lines, subjects, and the date formats mail and
git use.  Only the generators import this; it is not part of the product.
"""

import random
import time

# ---------------------------------------------------------------- domains --

# (domain, weight): ~40 domains, the big companies first, as on the KVM list.
DOMAINS = [
    ("google.com", 14), ("redhat.com", 12), ("intel.com", 12), ("amd.com", 8),
    ("linux.ibm.com", 5), ("arm.com", 4), ("kernel.org", 5), ("gmail.com", 8),
    ("huawei.com", 4), ("linux.intel.com", 3), ("suse.de", 2), ("suse.com", 2),
    ("linux.alibaba.com", 2), ("bytedance.com", 2), ("tencent.com", 1.5),
    ("oracle.com", 2), ("nvidia.com", 2), ("microsoft.com", 1.5),
    ("linux.microsoft.com", 1), ("amazon.com", 2), ("amazon.de", 1),
    ("linaro.org", 2), ("loongson.cn", 1.5), ("rivosinc.com", 1),
    ("ventanamicro.com", 1), ("sifive.com", 1), ("linux.dev", 1.5),
    ("163.com", 1), ("qq.com", 1), ("kylinos.cn", 1), ("zte.com.cn", 0.7),
    ("hisilicon.com", 0.7), ("meta.com", 0.7), ("fb.com", 0.5),
    ("infradead.org", 0.7), ("alien8.de", 0.3), ("linutronix.de", 0.5),
    ("8bytes.org", 0.3), ("ziepe.ca", 0.3), ("samsung.com", 0.7),
]

FIRST = """Sean Paolo Vitaly Maxim Jim Peter Oliver Marc Christian Janosch Claudio
Thomas Borislav Ingo Dave Yan Chao Xiaoyao Binbin Kai Isaku Rick Tom Ashish
Michael Nikunj Pankaj Ackerley Vishal Fuad Quentin Will Catalin Suzuki Steven
Anup Atish Andrew Bibo Huacai Tianrui Nicholas Paul Alexander Nico David Jason
Kevin Alex Yi Lu Eric Joao Mingwei Yosry Vipin Ben Aaron Zide Dapeng Like Sandipan
Manali Ravi Babu Tao Wanpeng Hou Yuan Liang Wei Jing Yu Bo Xin Li Zhi Jun Hao
Keqian Shameer Ricardo Reiji Raghavendra Colton Jing Wang Dan Mark Joey Ard
Nathan Kees Josh Juergen Boris Stefano Oleg Denis Pavel Sergey Igor Dmitry
Anish Ankit Deepak Gautam Neeraj Prasad Pratik Rajesh Srikanth Sathyanarayanan
Kuppuswamy Tony Reinette Fenghua Kan Zeng Rui Jiaxi Shaoqin Hyman Jiaqi Gavin""".split()

FIRST_UTF8 = """Jörg Radim Philippe Zoltán Jürgen Hervé Łukasz Sébastien Rafał Michał
Paweł Tomáš Jiří Ondřej Matías José Ramón André Frédéric Cédric Gaël Jérôme
Björn Søren Ville Åsa Mikuláš Dávid Bartosz""".split()

LAST = """Christopherson Bonzini Kuznetsov Levitsky Mattson Xu Gonda Upton Zyngier
Borntraeger Frank Imbrenda Gleixner Petkov Molnar Hansen Zhao Gao Li Huang Yamahata
Edgecombe Lendacky Kalra Roth Upadhyay Gupta Tng Annapurve Tabba Perret Deacon
Marinas Poulose Rostedt Patel Patra Jones Mao Chen Zhang Piggin Mackerras Graf
Boichat Hildenbrand Gunthorpe Tian Williamson Liu Auger Martins Zhang Ahmed Shah
Gardon Hu Liang Mi Sun Yang Wu Ma Lin He Xie Zhou Song Tang Feng Cheng Peng Dong
Jiang Xiong Tan Kumar Sharma Nair Iyer Rao Reddy Mishra Singh Agarwal Verma Sampat
Raghavan Luck Chatre Yu Liang Kang Wang Ouyang Su Carpenter Rutland Brown Ard Cook
Poimboeuf Gross Ostrovsky Stabellini Nesterov Lunev Tikhomirov Mammedov Vyukov
Sinha Wanpeng Yan Hou Qi Lai Zeng Bao Cai Shan Wei Lu Fang Guo Xiao Dai Pan""".split()

LAST_UTF8 = """Rödel Krčmář Mathieu-Daudé Müller Hernández Gröbner Dvořák Kővári
Łobodziński Słowik Nováček Pärssinen Großmann Ayerdí Hjønnevåg Ferrón Lévesque
Brændeland Doležal Häkkinen""".split()

TIMEZONES = ["-0700", "-0800", "-0500", "-0400", "+0000", "+0100", "+0200",
             "+0800", "+0800", "+0800", "+0530", "+0900", "+0300", "-0600"]

MAILERS_CLIENT = [
    ("User-Agent", "Mutt/2.2.13 (2024-03-09)"),
    ("User-Agent", "Mozilla Thunderbird"),
    ("User-Agent", "Evolution 3.52.4 (3.52.4-1.fc40)"),
    ("X-Mailer", "Microsoft Outlook 16.0"),
    ("User-Agent", "NeoMutt/20231103"),
    ("User-Agent", "K-9 Mail for Android"),
    ("X-Mailer", "Apple Mail (2.3774.600.62)"),
]

SEND_EMAIL_VERSIONS = ["2.39.2", "2.40.1", "2.43.0", "2.44.0", "2.45.2",
                       "2.46.0", "2.47.1", "2.34.1", "2.25.1"]

DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
          "Oct", "Nov", "Dec"]


def tz_seconds(tz):
    sign = -1 if tz[0] == "-" else 1
    return sign * (int(tz[1:3]) * 3600 + int(tz[3:5]) * 60)


def rfc2822_date(epoch, tz, pad_day=False):
    """'Tue, 3 Sep 2024 12:34:56 -0700' (git send-email pads the day: ' 3')."""
    t = time.gmtime(epoch + tz_seconds(tz))
    day = ("%2d" if pad_day else "%d") % t.tm_mday
    return "%s, %s %s %d %02d:%02d:%02d %s" % (
        DAYS[t.tm_wday], day, MONTHS[t.tm_mon - 1], t.tm_year,
        t.tm_hour, t.tm_min, t.tm_sec, tz)


def mutt_date(epoch, tz):
    """'Tue, Sep 03, 2024 at 12:34:56PM -0700', as mutt attributes quotes."""
    t = time.gmtime(epoch + tz_seconds(tz))
    h = t.tm_hour % 12 or 12
    return "%s, %s %02d, %d at %02d:%02d:%02d%s %s" % (
        DAYS[t.tm_wday], MONTHS[t.tm_mon - 1], t.tm_mday, t.tm_year, h,
        t.tm_min, t.tm_sec, "AM" if t.tm_hour < 12 else "PM", tz)


def stamp(epoch):
    t = time.gmtime(epoch)
    return "%04d%02d%02d%02d%02d%02d" % (t.tm_year, t.tm_mon, t.tm_mday,
                                         t.tm_hour, t.tm_min, t.tm_sec)


def q_encode(name):
    """An RFC 2047 Q-encoded word, as git send-email writes names."""
    out = []
    for b in name.encode("utf-8"):
        c = chr(b)
        if c.isalnum() and b < 128:
            out.append(c)
        else:
            out.append("=%02X" % b)
    return "=?UTF-8?q?" + "".join(out) + "?="


def b_encode(name):
    import base64
    return "=?utf-8?B?" + base64.b64encode(name.encode("utf-8")).decode() + "?="


SPECIALS = set('()<>[]:;@\\,."')


class Person:
    __slots__ = ("name", "email", "display", "bare", "tz", "weight", "domain",
                 "client", "alt_email", "mid_style")

    def __init__(self, name, email, domain, tz, client, mid_style):
        self.name = name
        self.email = email
        self.domain = domain
        self.tz = tz
        self.client = client
        self.mid_style = mid_style
        self.alt_email = None
        self.bare = "%s <%s>" % (name, email)
        self.display = header_address(name, email)


def header_address(name, email, bencode=False):
    """The address as a mail header carries it (quoted or RFC 2047)."""
    if any(ord(c) > 127 for c in name):
        enc = b_encode(name) if bencode else q_encode(name)
        return "%s <%s>" % (enc, email)
    if any(c in SPECIALS for c in name):
        return '"%s" <%s>' % (name, email)
    return "%s <%s>" % (name, email)


def make_people(R, count=420):
    """`count` contributors over the ~40 domains, every domain used."""
    people = []
    seen = set()
    doms = [d for d, _ in DOMAINS]
    cum = []
    acc = 0.0
    for _, w in DOMAINS:
        acc += w
        cum.append(acc)
    i = 0
    while len(people) < count:
        if i < len(doms):
            domain = doms[i]
        else:
            domain = R.choices(doms, cum_weights=cum)[0]
        i += 1
        r = R.random()
        first = R.choice(FIRST_UTF8) if r < 0.07 else R.choice(FIRST)
        last = R.choice(LAST_UTF8) if R.random() < 0.08 else R.choice(LAST)
        if R.random() < 0.08:
            name = "%s %s. %s" % (first, chr(65 + R.randrange(26)), last)
        elif R.random() < 0.01:
            name = "%s, %s" % (last, first)
        else:
            name = "%s %s" % (first, last)
        if name in seen:
            continue
        seen.add(name)
        fa = first.encode("ascii", "ignore").decode().lower() or "x"
        la = last.encode("ascii", "ignore").decode().lower().replace("-", "") or "y"
        form = R.randrange(6)
        if domain in ("gmail.com", "163.com", "qq.com"):
            local = "%s%s%d" % (fa, la[:4], R.randrange(10, 9999))
        elif form == 0:
            local = "%s.%s" % (fa, la)
        elif form == 1:
            local = fa[0] + la
        elif form == 2:
            local = fa
        elif form == 3:
            local = fa + la
        elif form == 4:
            local = "%s_%s" % (fa, la)
        else:
            local = la + fa[0]
        email = "%s@%s" % (local, domain)
        if email in seen:
            continue
        seen.add(email)
        tz = R.choice(TIMEZONES)
        client = R.randrange(len(MAILERS_CLIENT))
        p = Person(name, email, domain, tz, client, R.randrange(3))
        if R.random() < 0.05:
            # the same person, now and then spelling the address with capitals
            p.alt_email = "%s@%s" % (local.capitalize(), domain)
        people.append(p)
    # activity: a few very active maintainers, a long tail (Zipf-like)
    for rank, p in enumerate(people):
        p.weight = 1.0 / (rank + 1) ** 1.05
    return people


class Picker:
    """Weighted choice among a fixed population, fast."""

    def __init__(self, R, items, weights):
        self.R = R
        self.items = items
        self.cum = []
        acc = 0.0
        for w in weights:
            acc += w
            self.cum.append(acc)

    def __call__(self):
        return self.R.choices(self.items, cum_weights=self.cum)[0]


# ------------------------------------------------------------------ paths --

ARCH_KVM_SUBDIRS = {
    "x86": ["vmx", "svm", "mmu", "", "", ""],
    "arm64": ["vgic", "hyp/nvhe", "hyp/vhe", "hyp", ""],
    "s390": [""],
    "powerpc": [""],
    "riscv": [""],
    "loongarch": [""],
    "mips": [""],
}

STEMS = """vmx nested pmu sev tdx mmu tdp_mmu spte page_track paging cpuid lapic
ioapic irq irq_comm hyperv xen emulate x86 mtrr smm debugfs trace reverse_cpuid
svm avic vcpu vm kvm_main guest_memfd eventfd coalesced_mmio dirty_ring pfncache
async_pf binary_stats vfio arch_timer pvtime psci hypercalls handle_exit reset
sys_regs mmio vgic vgic-v3 vgic-its vgic-mmio vgic-init fpu debug guest inject
interrupt intercept priv sigp gaccess pv diag book3s book3s_hv book3s_pr e500
powerpc booke mmu_context vcpu_sbi vcpu_timer vcpu_fp vcpu_pmu aia aia_imsic
exit main tlb timer ipi eiointc pch_pic feature ept posted_intr sgx vmcs12
hyperv_evmcs capabilities run ops cache lock queue stats dirty_log kvm_util
processor ucall memstress sparsebit elf assert test_util userfaultfd rseq
demand_paging access_tracking set_memory_region max_guest_memory state_test
smm_test platform_info xapic_ipi fix_hypercall sync_regs hardware_disable
system_counter_offset steal_time tsc_msrs msrs vmx_pmu_caps pmu_counters""".split()

DRIVERS = ["drivers/vfio/pci", "drivers/vfio", "drivers/virt/coco/sev-guest",
           "drivers/virtio", "drivers/iommu/intel", "drivers/iommu/amd",
           "drivers/iommu", "drivers/crypto/ccp", "drivers/s390/crypto",
           "drivers/irqchip", "drivers/clocksource", "drivers/firmware/psci",
           "drivers/hv", "drivers/net/ethernet/intel/ice", "drivers/vhost",
           "drivers/gpu/drm/i915/gvt", "drivers/perf", "drivers/acpi"]

SELFTEST_DIRS = ["tools/testing/selftests/kvm/x86", "tools/testing/selftests/kvm/arm64",
                 "tools/testing/selftests/kvm/s390", "tools/testing/selftests/kvm/riscv",
                 "tools/testing/selftests/kvm/lib", "tools/testing/selftests/kvm/lib/x86",
                 "tools/testing/selftests/kvm/lib/arm64", "tools/testing/selftests/kvm/include",
                 "tools/testing/selftests/kvm/include/x86", "tools/testing/selftests/kvm"]

OTHER_DIRS = ["virt/kvm", "include/linux", "include/uapi/linux", "include/kvm",
              "arch/x86/include/asm", "arch/x86/include/uapi/asm",
              "arch/arm64/include/asm", "arch/s390/include/asm",
              "arch/x86/kernel", "arch/x86/kernel/cpu", "arch/x86/events/intel",
              "arch/x86/coco/sev", "arch/x86/virt/vmx/tdx", "arch/x86/mm",
              "arch/arm64/kernel", "kernel/sched", "kernel/events", "mm",
              "lib", "tools/arch/x86/include/uapi/asm", "scripts/kvm"]

DOC_DIRS = ["Documentation/virt/kvm", "Documentation/virt/kvm/x86",
            "Documentation/virt/kvm/arm", "Documentation/virt/kvm/devices",
            "Documentation/virt/kvm/s390", "Documentation/arch/x86"]


def make_paths(R, count):
    """`count` distinct kernel-like paths, 3-5 levels deep (a few 2-level)."""
    out = []
    seen = set()
    while len(out) < count:
        r = R.random()
        if r < 0.30:
            arch = R.choice(list(ARCH_KVM_SUBDIRS))
            sub = R.choice(ARCH_KVM_SUBDIRS[arch])
            d = "arch/%s/kvm" % arch + ("/" + sub if sub else "")
            ext = ".c" if R.random() < 0.8 else ".h"
        elif r < 0.50:
            d = R.choice(DRIVERS)
            ext = ".c" if R.random() < 0.75 else ".h"
        elif r < 0.70:
            d = R.choice(SELFTEST_DIRS)
            ext = ".c" if R.random() < 0.85 else ".h"
        elif r < 0.90:
            d = R.choice(OTHER_DIRS)
            ext = ".h" if "include" in d else ".c"
        else:
            d = R.choice(DOC_DIRS)
            ext = ".rst"
        stem = R.choice(STEMS)
        if R.random() < 0.5:
            stem = stem + "_" + R.choice(STEMS)
        if "selftests" in d and ext == ".c" and R.random() < 0.5:
            stem += "_test"
        p = "%s/%s%s" % (d, stem, ext)
        if p in seen:
            continue
        seen.add(p)
        out.append(p)
    return out


# ------------------------------------------------------------------ prose --

WORDS = """the a an of to in and for on with when is are be that this it by not
as from at if but so only can may must should will would now then than which
we it's also instead because while before after into out all any each every
other more most less no since until once both either neither same new old
guest host vCPU vCPUs VM VMs KVM hypervisor kernel userspace ioctl MSR MSRs
CPUID page pages fault faults TLB flush SPTE SPTEs root roots memslot memslots
shadow nested L1 L2 VMCS VMCB VM-Exit VM-Enter exit entry interrupt IRQ IPI
APIC LAPIC x2APIC timer TSC PMU counter counters event events register
registers state field fields flag flags bit bits mask value values check
checks path paths helper helpers function functions code comment comments
lock locking mmu_lock SRCU RCU spinlock mutex race window bug bugs issue
warning WARN splat crash hang deadlock leak overflow underflow corruption
selftest selftests test tests coverage config Kconfig build compile compiler
warning patch series version change changes commit upstream stable backport
fix fixes handle handling update updates avoid avoids add adds drop drops
move moves rename renames use uses skip skips allow allows reject rejects
explicitly correctly properly unconditionally conditionally currently already
simply actually effectively obviously arguably technically theoretically
architecture architectural hardware firmware microcode platform feature
features capability capabilities support supported unsupported enabled
disabled emulation emulated emulate emulator instruction instructions opcode
address addresses GPA GVA HVA HPA PFN gfn pfn memory memory-mapped MMIO PIO
encrypted private shared conversion SEV SEV-ES SEV-SNP TDX TDCALL GHCB RMP
pKVM protected guest_memfd mmap hugepage hugepages THP 2MiB 1GiB 4KiB level
granularity alignment aligned misaligned range ranges boundary overhead
performance latency throughput scalability contention regression benchmark
measurable noticeable significant negligible observable""".split()

CAP_WORDS = """The This That When If Since Because Unlike Instead Now Currently
Rather Note Also Otherwise Opportunistically Explicitly Historically
Practically Functionally Drop Add Move Use Rename Remove Fix Handle Skip""".split()

IDENTS = """kvm vcpu vm arch mmu sp spte gfn pfn slot memslot root level gpa gva
cr0 cr3 cr4 efer msr msrs data index idx ret r err flags mask val value bits
regs apic lapic irq vector ipi timer tsc pmc pmu counter event ctrl ctl cap
caps nested vmcs vmcb svm vmx tdx sev snp ghcb page pages npages size len off
offset start end addr count nr i j list entry node head lock srcu rcu work
req reqs exit_reason exit_qual intr_info info state status mode type id""".split()

FUNCS = """kvm_vcpu_ioctl kvm_vm_ioctl kvm_arch_vcpu_run kvm_mmu_page_fault
kvm_tdp_mmu_map kvm_set_memory_region kvm_make_request kvm_check_request
kvm_x86_ops vmx_vcpu_run svm_vcpu_run nested_vmx_vmexit nested_svm_vmexit
kvm_apic_set_irq kvm_lapic_reg_write kvm_pmu_trigger_event kvm_cpuid
kvm_emulate_instruction kvm_flush_remote_tlbs kvm_zap_gfn_range
kvm_gmem_get_pfn kvm_vcpu_kick kvm_vcpu_block kvm_arch_vcpu_load
handle_exit_irqoff vmx_set_cr4 svm_set_efer sev_launch_update_data
tdx_vcpu_create vgic_v3_populate_lr kvm_arm_timer_update kvm_s390_inject_vcpu
kvm_riscv_vcpu_sbi_ecall kvm_read_guest kvm_write_guest kvm_vcpu_map
kvm_set_msr_common kvm_get_msr_common __kvm_set_memory_region
kvm_mmu_invalidate_begin kvm_mmu_invalidate_end tdp_mmu_set_spte
make_spte is_shadow_present_pte kvm_mmu_reset_context vm_create_with_one_vcpu
vcpu_run TEST_ASSERT TEST_ASSERT_EQ vcpu_set_msr vm_userspace_mem_region_add
__vm_create kvm_check_cap ucall_get""".split()

TYPES = ["struct kvm_vcpu *", "struct kvm *", "struct kvm_mmu_page *",
         "struct kvm_memory_slot *", "u64 ", "u32 ", "int ", "bool ",
         "unsigned long ", "gfn_t ", "kvm_pfn_t ", "gpa_t ", "struct vcpu_vmx *",
         "struct vcpu_svm *", "struct kvm_lapic *", "struct kvm_pmc *",
         "union kvm_mmu_page_role ", "u8 ", "size_t ", "struct page *"]

CONSTS = """EINVAL EFAULT ENOMEM EIO ENOENT EAGAIN EBUSY ENOTTY E2BIG EOPNOTSUPP
KVM_REQ_TLB_FLUSH KVM_REQ_EVENT KVM_REQ_MMU_RELOAD KVM_REQ_APICV_UPDATE
PT_PAGE_TABLE_LEVEL PG_LEVEL_4K PG_LEVEL_2M PAGE_SIZE PAGE_SHIFT
X86_CR4_PAE X86_CR0_PG EFER_LME MSR_IA32_TSC MSR_EFER KVM_MAX_VCPUS
VMX_EXIT_REASONS_FAILED_VMENTRY SVM_EXIT_NPF KVM_EXIT_MMIO KVM_EXIT_IO
RET_PF_RETRY RET_PF_EMULATE RET_PF_FIXED KVM_CAP_X86_DISABLE_EXITS""".split()


def _sentence_words(R, n):
    return [R.choice(WORDS) for _ in range(n)]


def make_prose_lines(R, count):
    """(first_lines, lines): prose lines of 45-72 columns, as `git commit`
    bodies wrap; first lines start with a capital."""
    firsts, lines = [], []
    rnd = R.random
    nw = len(WORDS)
    for i in range(count):
        target = R.randrange(45, 73)
        parts = []
        ln = 0
        first = i % 4 == 0
        if first:
            w = R.choice(CAP_WORDS)
            parts.append(w)
            ln = len(w)
        since = 0
        while True:
            r = rnd()
            if r < 0.06:
                w = R.choice(FUNCS) + "()"
            elif r < 0.09:
                w = R.choice(CONSTS)
            elif r < 0.11:
                w = "%s->%s" % (R.choice(IDENTS), R.choice(IDENTS))
            else:
                w = WORDS[int(rnd() * nw)]
            since += 1
            if since > 6 and rnd() < 0.12:
                w += "." if R.random() < 0.8 else ","
                since = 0
            if ln + len(w) + 1 > target and parts:
                break
            parts.append(w)
            ln += len(w) + 1
        s = " ".join(parts)
        (firsts if first else lines).append(s)
    return firsts, lines


def make_code_lines(R, count):
    """C-looking lines, tab-indented, for diffs and files."""
    out = []
    ch = R.choice
    for _ in range(count):
        ind = "\t" * R.choice((1, 1, 1, 2, 2, 2, 3, 3, 4))
        r = R.randrange(20)
        a, b, c = ch(IDENTS), ch(IDENTS), ch(IDENTS)
        f = ch(FUNCS)
        if r == 0:
            s = "%sif (%s->%s & %s)" % (ind, a, b, ch(CONSTS))
        elif r == 1:
            s = "%sreturn -%s;" % (ind, ch(CONSTS[:9]))
        elif r == 2:
            s = "%s%s%s = %s(%s, %s);" % (ind, ch(TYPES), a, f, b, c)
        elif r == 3:
            s = "%s%s = %s(%s->%s);" % (ind, a, f, b, c)
        elif r == 4:
            s = "%sif (!%s)" % (ind, a)
        elif r == 5:
            s = "%s}" % ind[:-1] if len(ind) > 1 else "}"
        elif r == 6:
            s = "%s/* %s */" % (ind, " ".join(_sentence_words(R, R.randrange(3, 9))))
        elif r == 7:
            s = "%s * %s" % (ind, " ".join(_sentence_words(R, R.randrange(4, 11))))
        elif r == 8:
            s = "%s%s->%s.%s = %s;" % (ind, a, b, c, ch(("0", "1", "true", "false", "NULL", ch(CONSTS))))
        elif r == 9:
            s = "%sfor (%s = 0; %s < %s; %s++)" % (ind, a, a, b, a)
        elif r == 10:
            s = "%s} else {" % ind[:-1] if len(ind) > 1 else "} else {"
        elif r == 11:
            s = "%sif (WARN_ON_ONCE(%s(%s)))" % (ind, f, a)
        elif r == 12:
            s = "%skvm_make_request(%s, %s);" % (ind, ch(CONSTS[9:13]), a)
        elif r == 13:
            s = "%sgoto out_%s;" % (ind, ch(("unlock", "free", "err", "put_page", "destroy")))
        elif r == 14:
            s = "%s%s(%s, %s);" % (ind, f, a, b)
        elif r == 15:
            s = "%sbreak;" % ind
        elif r == 16:
            s = "%scase %s:" % (ind[:-1] or "\t", ch(CONSTS))
        elif r == 17:
            s = "%s%s |= %s;" % (ind, a, ch(CONSTS))
        elif r == 18:
            s = "%sreturn %s(%s);" % (ind, f, a)
        else:
            s = ""
        out.append(s)
    return out


def make_func_headers(R, count):
    out = []
    for _ in range(count):
        out.append("%s%s%s(%s%s)" % (
            R.choice(("static ", "static ", "", "static inline ")),
            R.choice(TYPES), R.choice(FUNCS) + R.choice(("", "_common", "_locked", "_slow", "_nested")),
            R.choice(TYPES), R.choice(IDENTS)))
    return out


# --------------------------------------------------------------- subjects --

PREFIXES = [
    ("KVM: x86: ", 18), ("KVM: x86/mmu: ", 10), ("KVM: VMX: ", 7), ("KVM: SVM: ", 6),
    ("KVM: nVMX: ", 4), ("KVM: nSVM: ", 2), ("KVM: selftests: ", 14),
    ("KVM: arm64: ", 12), ("KVM: s390: ", 4), ("KVM: riscv: ", 4),
    ("KVM: PPC: ", 2), ("KVM: LoongArch: ", 2), ("KVM: SEV: ", 3), ("KVM: TDX: ", 4),
    ("KVM: guest_memfd: ", 2), ("KVM: ", 5), ("vfio/pci: ", 3), ("vfio: ", 2),
    ("x86/sev: ", 2), ("x86/cpufeatures: ", 1), ("KVM: x86/pmu: ", 3),
    ("KVM: Documentation: ", 1), ("x86/kvm: ", 2), ("arm64: ", 1),
]

VERBS = """Fix Add Drop Move Rename Use Introduce Remove Don't_touch Allow Refactor
Consolidate Explicitly_check WARN_on Advertise Track Skip Handle Disallow Reject
Zap Defer Open_code Extract Split Unify Plumb Clean_up Rework Harden Cache
Account_for Snapshot Honor Emulate Enumerate Clear Initialize Verify Test Expose
Require Always_flush Never_reset Bail_on Return Stop Start Document Annotate
Propagate Wire_up""".split()
VERBS = [v.replace("_", " ") for v in VERBS]

OBJECTS = [
    "nested VM-Exit handling", "TDP MMU root refcounting", "shadow paging fault path",
    "guest_memfd invalidation", "PMU counter reprogramming", "APICv inhibit reasons",
    "MSR filter handling", "CPUID caching", "xAPIC ID checks", "SEV-SNP launch flow",
    "TDX vCPU creation", "dirty ring harvesting", "memslot deletion", "async #PF",
    "posted interrupt descriptor", "EPT violation exit qualification", "SMM state save",
    "hypercall ABI", "steal time accounting", "TSC scaling ratio", "vGIC LPI cache",
    "FGT trap configuration", "PSCI SYSTEM_SUSPEND", "SBI PMU extension",
    "s390 protected VM dumps", "KVM_SET_USER_MEMORY_REGION2", "mmu_lock contention",
    "Hyper-V TLB flush", "Xen shared info", "emulator decode tables", "IRQ routing",
    "kvm_x86_ops hooks", "vendor module params", "selftests ucall", "memstress test",
    "access_tracking_perf_test", "set_memory_region_test", "xapic_state_test",
    "pmu_counters_test", "sev_smoke_test", "the vCPU run loop", "KVM_REQ_EVENT",
    "the page-track notifier", "huge page recovery", "NX huge page mitigation",
    "the MMIO SPTE generation", "EFER.LMSLE", "CR4.LA57 checks", "debug registers",
    "exception payload", "triple fault injection", "INIT/SIPI handling",
]

TAILS = ["", "", "", "", " on nested", " for SNP guests", " when APICv is disabled",
         " in the slow path", " under mmu_lock", " on 32-bit hosts", " for protected VMs",
         " before VM-Enter", " after migration", " if userspace asks", " at VM creation",
         " in one place", " with a helper", " via a common helper", " for TDX"]


def make_subject(R, prefix_pick):
    verb = R.choice(VERBS)
    obj = R.choice(OBJECTS)
    return "%s%s %s%s" % (prefix_pick(), verb, obj, R.choice(TAILS))


def fold_header(name, value, width=78):
    """`Name: value`, folded at spaces before `width` columns."""
    line = "%s: %s" % (name, value)
    if len(line) <= width:
        return line + "\n"
    out = []
    while len(line) > width:
        cut = line.rfind(" ", 0, width)
        if cut <= len(name) + 2:
            cut = line.find(" ", width)
            if cut < 0:
                break
        out.append(line[:cut])
        line = line[cut:]
    out.append(line)
    return "\n".join(out) + "\n"


def diffstat(files, width=72):
    """files: [(path, ins, dels)] -> git's diffstat text (approximate)."""
    namew = max(len(p) for p, _, _ in files)
    maxchg = max(i + d for _, i, d in files)
    cntw = len(str(maxchg))
    if namew > 50:
        namew = 50
    graphw = max(width - namew - cntw - 6, 10)
    out = []
    ti = td = 0
    for p, i, d in files:
        ti += i
        td += d
        if len(p) > namew:
            p = "..." + p[len(p) - namew + 3:]
        tot = i + d
        if maxchg > graphw:
            pi = (i * graphw + maxchg - 1) // maxchg if i else 0
            pd = (d * graphw + maxchg - 1) // maxchg if d else 0
        else:
            pi, pd = i, d
        out.append(" %-*s | %*d %s%s\n" % (namew, p, cntw, tot, "+" * pi, "-" * pd))
    n = len(files)
    s = " %d file%s changed" % (n, "" if n == 1 else "s")
    if ti:
        s += ", %d insertion%s(+)" % (ti, "" if ti == 1 else "s")
    if td:
        s += ", %d deletion%s(-)" % (td, "" if td == 1 else "s")
    out.append(s + "\n")
    return "".join(out)


def hexid(R, n=40):
    return "%0*x" % (n, R.getrandbits(4 * n))
